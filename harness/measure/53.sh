#!/bin/sh
# measure/53.sh - Item 53's data: the bench in interleaved rounds, and the
# same experiments in every CPython found. Writes $RUN/53_*.csv only.
# The book's setting: its four numbers on 4 threads (cpu); 5 threads each
# making one 0.1 s blocking call (io, overlap); CPython's 5 ms switch
# interval. QUICK makes the calls 50 ms, half the book's, to stay at class
# size (shorter, the new GIL's fixed cost of a few ms per call would weigh on
# the overlap).
set -eu
. "$HARNESS/lib.sh"
bench="$BIN/53_threads_gil-bench"
if [ "$QUICK" = 1 ]; then
    cpu_rounds=7 rounds=3 wait_ms=50 io_policies=new,none pins=0 py_rounds=2
else
    cpu_rounds=11 rounds=5 wait_ms=100 io_policies=new,old,none pins="0 1" py_rounds=3
fi

progress "53: CPU-bound, the book's numbers, threads 1,2,4, every policy, $cpu_rounds rounds"
"$bench" --part cpu --threads 1,2,4 --rounds "$cpu_rounds" >"$RUN/53_cpu.csv"

progress "53: 5 threads each blocking $wait_ms ms (and computing as long, new GIL), $rounds rounds"
first=1
for policy in $(echo "$io_policies" | tr ',' ' '); do
    # One bench run per policy keeps each run short; the computing variant
    # (the negative control) rides along with the new GIL, in the same rounds.
    extra=""
    [ "$policy" = new ] && extra=--computing
    # shellcheck disable=SC2086 # $extra is empty or one flag
    "$bench" --part io --policy "$policy" --calls 5 --wait-ms "$wait_ms" --rounds "$rounds" $extra |
        if [ $first = 1 ]; then cat; else tail -n +2; fi
    first=0
done >"$RUN/53_io.csv"

progress "53: the convoy, 20 round trips, echo after 0 and 100 us, every policy, $rounds rounds"
for pin in $pins; do
    flag=""
    [ "$pin" = 1 ] && flag=--pin
    # shellcheck disable=SC2086
    "$bench" --part convoy --echo-us 0,100 --trips 20 --rounds "$rounds" $flag |
        if [ "$pin" = 0 ]; then cat; else tail -n +2; fi
done >"$RUN/53_convoy.csv"

# The old policy's stripes are microseconds wide: 10 ms of them show the
# thrashing; the new policy's turns need 30 ms.
progress "53: the timeline of the lock (new 30 ms, old 10 ms)"
"$bench" --part timeline --policy new --echo-us 100 --trace-ms 30 \
    --trace-json "$RUN/53_timeline_new.json" >"$RUN/53_timeline.csv"
"$bench" --part timeline --policy old --echo-us 100 --trace-ms 10 \
    --trace-json "$RUN/53_timeline_old.json" | tail -n +2 >>"$RUN/53_timeline.csv"

# CPython: the default interpreter in full; the others (a full run finds
# 2.7 and 3.6-3.13 here) one round each of what changed across versions: the
# switching (2.7's ticks against 3.2+'s interval), CPU-bound threads, the
# convoy. Blocking calls release the lock in every version: default only.
rm -f "$RUN"/53_python_*.csv
first=1
pythons | while read -r version python; do
    if [ $first = 1 ]; then r=$py_rounds parts="cpu io switching convoy"; else r=1 parts="cpu switching convoy"; fi
    progress "53: CPython $version ($parts; $r round(s))"
    for part in $parts; do
        out="$RUN/53_python_$part.csv"
        if [ -s "$out" ]; then skip="tail -n +2"; else skip=cat; fi
        "$python" "$HARNESS/python/53_gil.py" --part "$part" --rounds "$r" | $skip >>"$out"
    done
    first=0
done
