#!/usr/bin/env bash
# Usage: hack/ci/timed.sh NAME COMMAND [ARG...]
# Runs COMMAND and prints how long it took, in wall time and in CPU time (user + system of
# COMMAND and every descendant it waited for: what the phase costs the machine's cores):
#   == phase NAME: started
#   == phase NAME: 123s, cpu 201s (ok)     or   == phase NAME: 123s, cpu 201s (FAILED, exit 2)
# When CI_PHASE_TIMES names a file, "NAME<TAB>SECONDS<TAB>STATUS<TAB>CPU" is appended to it, so
# .ci/run and hack/ci/test.sh can print one table of every phase at the end.
# Exits with COMMAND's status.
set -uo pipefail

if (($# < 2)); then
	echo "usage: $0 NAME COMMAND [ARG...]" >&2
	exit 2
fi
name="$1"
shift

# children_cpu FILE: whole seconds of user + system time of this shell's waited-for children
# so far (the second line of the times builtin, e.g. "1m2.500s 0m3.250s"). The builtin runs in
# this shell, not in a command substitution's subshell, which has no children of its own.
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
children_cpu() {
	awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}

times >"$times_file"
cpu_start=$(children_cpu "$times_file")
start=$(date +%s)
echo "== phase $name: started $(date -u +%H:%M:%S)"
"$@"
status=$?
secs=$(($(date +%s) - start))
times >"$times_file"
cpu=$(($(children_cpu "$times_file") - cpu_start))
if ((status == 0)); then
	result="ok"
else
	result="FAILED, exit $status"
fi
echo "== phase $name: ${secs}s, cpu ${cpu}s ($result)"
if [[ -n "${CI_PHASE_TIMES:-}" ]]; then
	printf '%s\t%s\t%s\t%s\n' "$name" "$secs" "$result" "$cpu" >>"$CI_PHASE_TIMES"
fi
exit "$status"
