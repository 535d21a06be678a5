#!/bin/sh
# Item 59, measure: runs 59_thread_pool-bench and CPython's
# ThreadPoolExecutor, writes $RUN/59_*.csv (harness/claims/59.md says what
# each claim reads).
#   59_workers.csv   the book's 45 cells, 1 ms of I/O each, max_workers 1..100
#   59_cap.csv       10 and 45 cells on pools of 10 and 100, 5 ms a cell (59.cap, .neg)
#   59_errors.csv    a failing cell: asking every result, and never asking
#   59_overhead.csv  one empty task on three pools, unpinned and pinned
#   59_cells.csv     the cross-item rows (approach pool, 10 workers)
#   59_python_facts.csv, 59_python.csv  CPython, every interpreter found
#   59_refactor.csv  the lines of code the move to a pool added
set -eu
. "$HARNESS/lib.sh"

bench=$BIN/59_thread_pool-bench
if [ "$QUICK" = 1 ]; then
    rounds=3 workers=1,10,45,100 sizes=45,400,2500 cell_rounds=1 tasks=10000
else
    rounds=5 workers=1,2,5,10,45,100 sizes=45,400,2500,10000,100000,1000000 cell_rounds=3
    tasks=20000
fi

progress "59: the book's 45 cells on pools of $workers, 1 ms of I/O a cell, $rounds rounds"
"$bench" --part life --cells 45 --workers "$workers" --io-ms 1 --generations 2 \
    --rounds "$rounds" >"$RUN/59_workers.csv"
# The cap at 5 ms a cell: long beside the cost of waking 45 threads, which
# a busy machine stretches (at 1 ms, that cost alone moved the negative
# control's ratio from 1.3 to 2.7 at a load of 30).
progress "59: 10 and 45 cells on pools of 10 and 100, 5 ms a cell (the cap)"
"$bench" --part life --cells 10,45 --workers 10,100 --io-ms 5 --generations 4 \
    --rounds "$rounds" >"$RUN/59_cap.csv"
"$bench" --part errors --io-ms 1 --rounds "$rounds" >"$RUN/59_errors.csv"
progress "59: one empty task on three pools, unpinned then pinned"
"$bench" --part overhead --workers 2 --tasks "$tasks" --rounds "$rounds" >"$RUN/59_overhead.csv"
"$bench" --part overhead --workers 2 --tasks "$tasks" --rounds "$rounds" --pin |
    tail -n +2 >>"$RUN/59_overhead.csv"
progress "59: the cross-item sizes $sizes, a pool of 10"
"$bench" --part cells --cells "$sizes" --workers 10 --io-ms 1 --rounds "$cell_rounds" \
    >"$RUN/59_cells.csv"

rm -f "$RUN/59_python_facts.csv" "$RUN/59_python.csv" "$RUN/59_python.log"
pythons | while read -r version python; do
    progress "59: CPython $version, ThreadPoolExecutor"
    for part in facts life; do
        out=$RUN/59_python_facts.csv
        [ $part = life ] && out=$RUN/59_python.csv
        "$python" "$HARNESS/python/59_pool.py" --part $part --cells 10,45 --workers 1,10,100 \
            --generations 3 --rounds 2 2>>"$RUN/59_python.log" >"$out.new"
        if [ -s "$out" ]; then tail -n +2 "$out.new" >>"$out"; else mv "$out.new" "$out"; fi
        rm -f "$out.new"
    done
done

# The refactoring: lines of code the move to a pool added, from "The move
# to a pool" to "The story", beside item 58's move to queues; and the pool
# itself (executor.c), a library in Python.
count=$HARNESS/measure/58_code_lines.sh
items=$HARNESS/../items
{
    echo "what,code_lines"
    echo "pool_move,$(sh "$count" "$items/59_thread_pool/thread_pool.c" \
        '---- The move to a pool' '---- The story')"
    echo "queue_workers_move,$(sh "$count" "$items/58_queue_workers/queue_workers.c" \
        '---- The move to queues' '---- The story')"
    echo "executor,$(sh "$count" "$items/59_thread_pool/executor.c" '' '')"
} >"$RUN/59_refactor.csv"
