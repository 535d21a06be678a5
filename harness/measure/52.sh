#!/bin/sh
# measure/52.sh - item 52: run its bench and the CPython script, write CSV.
#   52_parallel.csv  N sleeping children serial and parallel, interleaved rounds
#   52_timeout.csv   communicate(timeout=0.1), then the stop by pid or by group
#   52_whole.*       hyperfine's cross-check of the whole program, serial and parallel
#   52_python.csv    CPython's subprocess on every interpreter found
# The setting: 10 children of 0.1 s (harness/claims/52.md says why).
set -eu
. "$HARNESS/lib.sh"

bench=$BIN/52_subprocess-bench
sleep=0.1
if [ "$QUICK" = 1 ]; then
    children=1,10 rounds=3 stop_rounds=1 whole_parts=parallel
else
    children=1,3,10 rounds=5 stop_rounds=3 whole_parts=serial,parallel
fi

progress "52: $children children sleeping $sleep s, one after another and all at once, $rounds interleaved rounds"
"$bench" --part parallel --children "$children" --sleep "$sleep" --rounds "$rounds" >"$RUN/52_parallel.csv"

progress "52: communicate(timeout=0.1), then terminate() to the child or to its group, $stop_rounds rounds"
"$bench" --part timeout --timeout 0.1 --rounds "$stop_rounds" >"$RUN/52_timeout.csv"

progress "52: the whole program timed by hyperfine ($whole_parts, 10 children)"
timed_scan "$RUN/52_whole" --runs 2 -L part "$whole_parts" --command-name '{part}' \
    "$BIN/52_subprocess --part {part} --children 10 --sleep $sleep"

echo "python,case,seconds,left" >"$RUN/52_python.csv"
pythons | while read -r version python; do
    progress "52: CPython $version: sleepers, terminate() against killpg(), run(timeout=)"
    "$python" "$HARNESS/python/52_subprocess.py" | tail -n +2 >>"$RUN/52_python.csv"
done
