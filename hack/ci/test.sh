#!/usr/bin/env bash
# The body of `make test` (what CI runs). Every check and test of the serial version runs,
# in lanes, so that neither core idles while a suite waits on timers and watches:
#
#   lane k8s  (background)   hack/local-cluster/build.sh: its own modules (hack/kubebin,
#                            hack/kwok) built with CGO_ENABLED=0, so it shares no compiled
#                            package with the main module and can run next to lint
#   lane image (background)  the container image build test/integration repeats (see below)
#   lane main (foreground)   fmt-check, shellcheck, helm-lint, promtool-test, verify-generated, vet
#                            (compiles the main module once, with -race); then, once lane k8s is
#                            done, the test lanes start and go test -race ./... runs here next
#                            to them
#   lane staticcheck         staticcheck (reads vet's race build's export data), after vet
#   lane it-process          the integration tests that run autoscaler processes (see below)
#   lanes e2e, e2e-b         the e2e suite in two shares, each on a cluster of its own; e2e also
#                            runs smoke.sh first and dev.sh --check after (CI_E2E_PARALLEL=0:
#                            make e2e, whole, after go test instead)
#
# Every go command builds with -trimpath (GOFLAGS): a build's cache keys then do not hold the
# clone's directory, so a fresh clone on a warm machine reuses what an earlier clone compiled
# and linked (without it every run of a fresh clone compiled and linked the module's ~130
# packages and test binaries again: 533 s of CPU in go test alone).
#
# Each phase prints its wall and CPU time (hack/ci/timed.sh) and the end prints a table of them.
# Logs of the go test runs and of each lane are kept in CI_LOG_DIR (bin/ci).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath"

MAKE="${MAKE:-make}"
CI_LOG_DIR="${CI_LOG_DIR:-$PWD/bin/ci}"
mkdir -p "$CI_LOG_DIR"
own_times=false
if [[ -z "${CI_PHASE_TIMES:-}" ]]; then
	CI_PHASE_TIMES="$CI_LOG_DIR/phase-times.tsv"
	: >"$CI_PHASE_TIMES"
	own_times=true
fi
export CI_PHASE_TIMES
timed=hack/ci/timed.sh
m=("$MAKE" --no-print-directory)
start=$(date +%s)
lanes=()
failed=()

# lane NAME COMMAND...: runs COMMAND in the background in a session (and process group) of
# its own, so a failure elsewhere can stop it; its output is prefixed with [NAME] and kept in
# CI_LOG_DIR/lane-NAME.log (CI_LOG_DIR/NAME.log is the lane's go test log, if it has one).
lane() {
	local name="$1"
	shift
	setsid -w bash -c 'set -o pipefail; name="$1" log="$2"; shift 2; "$@" 2>&1 | tee "$log" | sed -u "s/^/[$name] /"' \
		lane "$name" "$CI_LOG_DIR/lane-$name.log" "$@" &
	lanes+=("$name:$!")
}

# wait_lane NAME: waits for the lane and records a failure.
wait_lane() {
	local entry
	for entry in "${lanes[@]}"; do
		if [[ "${entry%%:*}" == "$1" ]]; then
			wait "${entry#*:}" || failed+=("$1")
		fi
	done
}

stop_lanes() {
	local entry
	for entry in "${lanes[@]}"; do
		kill -- "-${entry#*:}" 2>/dev/null || true
	done
}

# digest: why each failed lane or phase failed, in a few lines (the end of CI's output is often
# all a reader sees): its go test log's failed tests, or else the end of its lane's log.
digest() {
	local name log
	for name in "${failed[@]}"; do
		log="$CI_LOG_DIR/$name.log"
		if ! grep -qs -E '^[[:space:]]*--- FAIL:|^panic:' "$log" && [[ -s "$CI_LOG_DIR/lane-$name.log" ]]; then
			log="$CI_LOG_DIR/lane-$name.log"
		fi
		hack/ci/failures.sh "$log"
	done | head -n "${CI_DIGEST_LINES:-40}"
}

summary() {
	local status=$?
	stop_lanes
	if ((status != 0 && ${#failed[@]})); then
		echo "== make test: why it failed (hack/ci/failures.sh; the whole logs are in $CI_LOG_DIR)"
		digest
	fi
	if $own_times && [[ -s "$CI_PHASE_TIMES" ]]; then
		echo "== make test phases (phase, wall s, status, cpu s; lanes overlap, so walls add up to more than the total):"
		column -t -s $'\t' "$CI_PHASE_TIMES" 2>/dev/null || cat "$CI_PHASE_TIMES"
	fi
	echo "== make test: $(($(date +%s) - start))s wall, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	exit "$status"
}
trap summary EXIT

# step NAME COMMAND...: a foreground phase; stops everything when it fails.
step() {
	if ! "$timed" "$@"; then
		echo "== make test: phase $1 failed" >&2
		exit 1
	fi
}

lane k8s "$timed" cluster-binaries "${m[@]}" cluster-binaries
# test/integration's TestImageIsReproducibleAndRunsFromItsUnpackedRoot builds the image (hack/image:
# cmd/autoscaler with -trimpath and CGO_ENABLED=0, a third build of its ~1000 packages that nothing
# else shares). The same build here, exactly as the test runs it, moves that compile off the
# integration package (whose tests run one after another) to the start, next to the other builds.
lane image "$timed" image-build go -C hack/image run . -repo "$PWD" -out "$CI_LOG_DIR/image.tar"

step fmt-check "${m[@]}" fmt-check
step shellcheck "${m[@]}" shellcheck
step helm-lint "${m[@]}" helm-lint
step promtool-test "${m[@]}" promtool-test
# Before vet: make generate rewrites generated sources that vet would be reading.
step verify-generated "${m[@]}" verify-generated
step vet "${m[@]}" vet

# Tests need the cluster binaries (test/integration, e2e).
waited=$(date +%s)
wait_lane k8s
echo "== phase wait-cluster-binaries: $(($(date +%s) - waited))s"
printf 'wait-cluster-binaries\t%s\tok\t-\n' "$(($(date +%s) - waited))" >>"$CI_PHASE_TIMES"
if ((${#failed[@]})); then
	echo "== make test: lane k8s failed (log: $CI_LOG_DIR/lane-k8s.log)" >&2
	exit 1
fi

# test/integration runs its tests one after another in one process (they share one API server).
# Those that run autoscaler processes (HA, crashes, the binary's signals and traces, secrets in
# logs) spend most of their time waiting on leases, kills and slow deletions: they run in a second
# process of the package, in a lane of their own (it-process) next to go test. A test that matches
# IT_PROCESS_TESTS runs there and is skipped by go test; every other test runs in go test.
it_process='TestHA.*|TestAutoscalerBinary.*|TestTerminationsConvergeWhileTheAutoscalerKeepsCrashing|TestTerminationSurvivesAutoscalerCrash|TestRotatedCredentialsTakeEffectWithoutRestart|TestNoSecretInLogsEventsStatusMetricsOrHistories'
IT_PROCESS_TESTS="^($it_process)\$"
# -skip would also skip a test of that name in another package: there must be none.
if others=$(git grep -l -E "^func ($it_process)\(" -- '*_test.go' ':!test/integration/'); then
	echo "== make test: IT_PROCESS_TESTS also names tests outside test/integration: $others" >&2
	exit 1
fi
# The e2e suite's tests run one after another on one cluster (each test's autoscaler takes the
# cluster's one Lease), about 15 minutes in all: the share E2E_B_TESTS runs in a second process
# with a cluster, Temporal and simulator of its own (lane e2e-b), the rest in make e2e.
e2e_b='TestKillAtEveryStep|TestKubectlVpsie.*|TestManagedKubernetes.*|TestANode.*'
# (No trailing $: make would read "$)" in the pattern as a variable. The names are whole anyway.)
E2E_B_TESTS="^($e2e_b)"

lane it-process "$timed" it-process env GO_TEST_SELECT="-run=$IT_PROCESS_TESTS" \
	hack/ci/go-test.sh "$CI_LOG_DIR/it-process.log" ./test/integration
if [[ "${CI_E2E_PARALLEL:-1}" == 1 ]]; then
	lane e2e "$timed" e2e "${m[@]}" e2e E2E_SELECT="-skip=$E2E_B_TESTS"
	lane e2e-b "$timed" e2e-b "${m[@]}" e2e-suite E2E_SELECT="-run=$E2E_B_TESTS" E2E_LOG="$CI_LOG_DIR/e2e-b.log"
fi
# staticcheck reads the export data vet's build left; it runs in a lane next to the tests (with
# a cold analysis cache it takes minutes, which go test need not wait for).
lane staticcheck "$timed" staticcheck "${m[@]}" staticcheck
# test/integration first: it is the longest package, and go test starts packages in order.
"$timed" go-test env GO_TEST_SELECT="-skip=$IT_PROCESS_TESTS" \
	hack/ci/go-test.sh "$CI_LOG_DIR/go-test.log" ./test/integration ./... || failed+=(go-test)
wait_lane it-process
wait_lane staticcheck
if [[ "${CI_E2E_PARALLEL:-1}" == 1 ]]; then
	wait_lane e2e
	wait_lane e2e-b
elif ((${#failed[@]} == 0)); then
	"$timed" e2e "${m[@]}" e2e || failed+=(e2e)
fi
wait_lane image
if ((${#failed[@]})); then
	echo "== make test: FAILED: ${failed[*]} (logs in $CI_LOG_DIR)" >&2
	exit 1
fi
echo "== make test: passed"
