#!/usr/bin/env bash
# Usage: hack/ci/go-test.sh LOG PACKAGE...
# go test $GO_TEST_FLAGS $GO_TEST_SELECT -v over the packages, with KUBEBUILDER_ASSETS=$KUBE_ASSETS. The whole
# output (with every test's duration) goes to LOG; the console shows the package results and
# failures as they come, the whole output when something failed, and the slowest tests.
set -uo pipefail

log="$1"
shift
GO_TEST_FLAGS="${GO_TEST_FLAGS:--race -count=1 -timeout 25m}"
# -vet=off: make vet ran go vet -race (every analyzer, over these packages built the same way)
# just before; go test's own vet (a subset of the analyzers) would analyse all ~2200 packages
# of the graph again, because its cache key includes the analyzer list.
# shellcheck disable=SC2086 # GO_TEST_FLAGS is a list of flags
# GO_TEST_SELECT (optional) is one -run=REGEX or -skip=REGEX: a lane's share of a package's tests.
KUBEBUILDER_ASSETS="${KUBE_ASSETS:-$PWD/bin/k8s}" go test $GO_TEST_FLAGS ${GO_TEST_SELECT:+"$GO_TEST_SELECT"} -vet=off -v "$@" 2>&1 |
	tee "$log" | grep --line-buffered -E '^(ok|FAIL|\?|panic:|--- FAIL)'
status=${PIPESTATUS[0]}
if ((status != 0)); then
	echo "== go test failed (exit $status); its whole output:"
	cat "$log"
fi
echo "== slowest tests:"
grep -E '^--- (PASS|FAIL)' "$log" | sed -E 's/^--- (PASS|FAIL): (\S+) \(([0-9.]+)s\)$/\3s \2 \1/' |
	sort -rn | head -n 15
# Waits that held only after more than half their limit (the tests' eventually helpers log
# them): the next timeouts on a busier machine.
if slow=$(grep -E 'slow wait: ' "$log"); then
	echo "== slow waits (held after more than half their limit):"
	sed -E 's/^[[:space:]]+//' <<<"$slow" | head -n 15
fi
exit "$status"
