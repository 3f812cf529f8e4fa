#!/usr/bin/env bash
# Usage: hack/ci/failures.sh LOG...
# A short digest of why a run failed, for the end of CI's output (which is often all a reader
# sees): for each `go test -v` log, every failed test with the last lines its test files logged
# before it failed (t.Fatalf and t.Errorf messages are among them), and any panic or timeout;
# for a log with no go test failure in it, its last lines.
set -uo pipefail

# Lines of a failed test's own output to keep (its last ones: the failure is at the end).
keep=${FAILURES_KEEP:-8}
width=300

for log in "$@"; do
	[[ -s "$log" ]] || continue
	echo "-- $log"
	if grep -q -E -e '^[[:space:]]*--- FAIL:' -e '^panic:' -e '^[[:space:]]*panic: test timed out' "$log"; then
		# A test's output runs from its "=== RUN/CONT" line to its "--- FAIL/PASS" line; only the
		# lines its _test.go files wrote are kept, at most $keep, the newest.
		awk -v keep="$keep" -v width="$width" '
			function top(name) { sub(/\/.*/, "", name); return name }
			/^=== (RUN|CONT) / { cur = top($3); next }
			/^[[:space:]]*--- FAIL: / {
				name = $3
				print "   FAIL " name " " $4
				t = top(name)
				for (i = n[t] - keep + 1; i <= n[t]; i++) {
					if (i < 1) continue
					print "     " substr(buf[t, i], 1, width) (more[t, i] ? " (and " more[t, i] " more lines from there)" : "")
				}
				n[t] = 0
				next
			}
			/^[[:space:]]*--- PASS: / { n[top($3)] = 0; next }
			/^panic:|^[[:space:]]*panic: test timed out|^FAIL[[:space:]]/ { print "   " substr($0, 1, width); next }
			# A run of lines from one file:line (a loop that logs, a dump) is kept as its first
			# line and a count, so that it does not push the failure out.
			/^[[:space:]]+[A-Za-z0-9_]+_test\.go:[0-9]+: / && cur != "" {
				line = $0
				sub(/^[[:space:]]+/, "", line)
				at = line
				sub(/: .*/, "", at)
				if (n[cur] > 0 && at == last[cur]) {
					more[cur, n[cur]]++
					next
				}
				last[cur] = at
				buf[cur, ++n[cur]] = line
				more[cur, n[cur]] = 0
			}
		' "$log"
	else
		tail -n 8 "$log" | cut -c1-"$width" | sed 's/^/   /'
	fi
done
