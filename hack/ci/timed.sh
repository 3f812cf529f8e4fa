#!/usr/bin/env bash
# Usage: hack/ci/timed.sh NAME COMMAND [ARG...]
# Runs COMMAND and prints how long it took:
#   == phase NAME: started
#   == phase NAME: 123s (ok)          or   == phase NAME: 123s (FAILED, exit 2)
# When CI_PHASE_TIMES names a file, "NAME<TAB>SECONDS<TAB>STATUS" is appended to it, so
# .ci/run and hack/ci/test.sh can print one table of every phase at the end.
# Exits with COMMAND's status.
set -uo pipefail

if (($# < 2)); then
	echo "usage: $0 NAME COMMAND [ARG...]" >&2
	exit 2
fi
name="$1"
shift
start=$(date +%s)
echo "== phase $name: started $(date -u +%H:%M:%S)"
"$@"
status=$?
secs=$(($(date +%s) - start))
if ((status == 0)); then
	result="ok"
else
	result="FAILED, exit $status"
fi
echo "== phase $name: ${secs}s ($result)"
if [[ -n "${CI_PHASE_TIMES:-}" ]]; then
	printf '%s\t%s\t%s\n' "$name" "$secs" "$result" >>"$CI_PHASE_TIMES"
fi
exit "$status"
