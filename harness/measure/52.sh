#!/bin/sh
# measure/52.sh - item 52: run its bench and the CPython script, write CSV.
#   52_parallel.csv  N sleeping children serial and parallel, interleaved rounds
#   52_timeout.csv   communicate(timeout=0.1), then the stop by pid or by group
#   52_whole.*       hyperfine's cross-check of the whole program, 10 children at once
#   52_python.csv    CPython's subprocess on every interpreter found
# The setting: 10 children of 0.1 s (harness/claims/52.md says why).
set -eu
. "$HARNESS/lib.sh"

bench=$BIN/52_subprocess-bench
sleep=0.1
if [ "$QUICK" = 1 ]; then
    children=1,10 rounds=3 stop_rounds=1
else
    children=1,3,10 rounds=5 stop_rounds=3
fi

progress "52: $children children sleeping $sleep s, one after another and all at once, $rounds interleaved rounds"
"$bench" --part parallel --children "$children" --sleep "$sleep" --rounds "$rounds" >"$RUN/52_parallel.csv"

progress "52: communicate(timeout=0.1), then terminate() to the child or to its group, $stop_rounds rounds"
"$bench" --part timeout --timeout 0.1 --rounds "$stop_rounds" >"$RUN/52_timeout.csv"

# The in-process clock against an outside one: the 10 at once, whole program.
progress "52: the whole program, 10 children at once, timed by hyperfine"
timed_scan "$RUN/52_whole" --runs 3 --command-name parallel \
    "$BIN/52_subprocess --part parallel --children 10 --sleep $sleep"

# The sleepers on the default interpreter; the stops, which changed in 3.7.5,
# on each one found.
echo "python,version,case,seconds,left" >"$RUN/52_python.csv"
first=1
pythons | while read -r version python; do
    progress "52: CPython $version: $([ $first = 1 ] && echo 'sleepers, ')terminate() against killpg(), run(timeout=)"
    "$python" "$HARNESS/python/52_subprocess.py" $([ $first = 1 ] || echo --no-sleepers) |
        tail -n +2 >>"$RUN/52_python.csv"
    first=0
done
