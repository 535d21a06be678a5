#!/bin/sh
# Item 55, measure: the bench's four parts and the book's pipeline in every
# CPython found. Writes into $RUN:
#   55_pipeline.csv    polling against blocking: the book's setting (1000
#                      items, stages that take no time) and a slow download
#   55_explosion.csv   a fast download in front of a slow resize: peak depth
#                      and resident memory, unbounded and bounded
#   55_shutdown.csv    3, 4 and 5 workers, closed stage by stage; left open
#   55_throughput.csv  queue.h against GAsyncQueue, pinned and unpinned
#   55_futex.csv       futex system calls and context switches of each queue
#                      alone, 1P/1C pinned (where perf can count them)
#   55_python.csv      CPython: the book's pipeline, on each interpreter
set -eu
. "$HARNESS/lib.sh"

bench="$BIN/55_queue_pipelines-bench"
if [ "$QUICK" = 1 ]; then
    rounds=3 sweep=100,300 caps=0,10 bench_items=100000 py_rounds=1
else
    rounds=5 sweep=100,300,1000 caps=0,10,100 bench_items=500000 py_rounds=3
fi

progress "55: polling against blocking, the book's 1000 items and a slow download, $rounds rounds"
"$bench" --part pipeline --rounds "$rounds" >"$RUN/55_pipeline.csv"
progress "55: a fast download in front of a slow resize, items $sweep, capacities $caps"
"$bench" --part explosion --sweep-items "$sweep" --capacities "$caps" >"$RUN/55_explosion.csv"
progress "55: 3, 4 and 5 workers, closed stage by stage, then left open"
"$bench" --part shutdown --capacities 0,1,10 >"$RUN/55_shutdown.csv"
progress "55: queue.h against GAsyncQueue, $bench_items pointers, $rounds rounds"
"$bench" --part throughput --bench-items "$bench_items" --rounds "$rounds" >"$RUN/55_throughput.csv"

# Why one queue is faster: the system calls each makes, counted by perf
# (root, or kernel.perf_event_paranoid <= 1); skipped where perf cannot.
rm -f "$RUN/55_futex.csv"
if perf stat -x, -e syscalls:sys_enter_futex true >/dev/null 2>&1; then
    progress "55: futex calls and context switches of each queue alone (perf stat)"
    counts=$(mktemp)
    echo "variant,items,futex_calls,context_switches" >"$RUN/55_futex.csv"
    for q in queue_h gasyncqueue; do
        perf stat -x, -o "$counts" -e syscalls:sys_enter_futex,context-switches \
            "$bench" --part "$q" --pin --bench-threads 1 --rounds 1 --bench-items "$bench_items" >/dev/null
        futex=$(awk -F, '$3 ~ /sys_enter_futex/ { print $1 }' "$counts")
        switches=$(awk -F, '$3 ~ /context-switches/ { print $1 }' "$counts")
        echo "$q,$bench_items,$futex,$switches" >>"$RUN/55_futex.csv"
    done
    rm -f "$counts"
fi

# CPython: cheap (well under a second a version), so every interpreter
# found; Queue.shutdown appears from 3.13.
rm -f "$RUN/55_python.csv"
pythons | while read -r version path; do
    progress "55: the book's pipeline in CPython $version"
    if [ -f "$RUN/55_python.csv" ]; then
        "$path" "$HARNESS/python/55_queue.py" --rounds "$py_rounds" | tail -n +2 >>"$RUN/55_python.csv"
    else
        "$path" "$HARNESS/python/55_queue.py" --rounds "$py_rounds" >"$RUN/55_python.csv"
    fi
done
