#!/bin/sh
# measure/60.sh - Item 60's measurements: runs 60_coroutines-bench and the
# CPython script, writes $RUN/60_*.csv (judge/60.sh reads them) and
# $RUN/60_cells.csv, this item's part of the chapter's cross-item chart
# (plot/cross.sh). Defaults are the book's setting: 100 ms of I/O per cell.
set -eu
. "$HARNESS/lib.sh"
bench=$BIN/60_coroutines-bench

if [ "$QUICK" = 1 ]; then
    cross_cells=45,400,2500 cross_rounds=1 rounds=3 tasks=200000 py_tasks=5000 py_rounds=2 stacks=2500
else
    cross_cells=45,400,2500,10000,100000,1000000 cross_rounds=3 rounds=3 tasks=1000000
    py_tasks=10000 py_rounds=2 stacks=10000
fi
# The claim's grids (45, the book's, against 10,000; 100,000 for "many at
# once") at the book's 100 ms; the negative control blocks instead, at 1 ms
# (at 100 ms, 400 blocking cells would take 40 s a generation).
grid_cells=45,10000,100000 blocking_cells=45,400
[ "$QUICK" = 1 ] || grid_cells=45,10000,100000,1000000

progress "60: one generation per size at 100 ms ($grid_cells cells), $rounds rounds; blocking at 1 ms"
"$bench" --part grid --cells "$grid_cells" --io-ms 100 --rounds "$rounds" >"$RUN/60_grid.csv"
"$bench" --part blocking --cells "$blocking_cells" --io-ms 1 --rounds "$rounds" |
    tail -n +2 >>"$RUN/60_grid.csv"

progress "60: a task's costs: $tasks coroutines, $stacks threads and stackful coroutines, $rounds rounds"
"$bench" --part costs --tasks "$tasks" --stacks "$stacks" --rounds "$rounds" >"$RUN/60_costs.csv"
"$bench" --part error --io-ms 100 --rounds 1 >"$RUN/60_error.csv"
"$bench" --part limits >"$RUN/60_limits.csv"

progress "60: the cross-item rows, cells $cross_cells at 1 ms, $cross_rounds rounds"
"$bench" --part cells --cells "$cross_cells" --io-ms 1 --rounds "$cross_rounds" >"$RUN/60_cells.csv"

# CPython: a coroutine's and a Task's costs on every interpreter found
# (async/await since 3.5); the cross-item rows on the default one only.
echo "python,design,tasks,round,start_ns,bytes" >"$RUN/60_python_costs.csv"
first=1
pythons | while read -r version python; do
    case $version in 2.* | 3.[0-4]) continue ;; esac
    progress "60: CPython $version: a coroutine's costs, $py_tasks at once"
    "$python" "$HARNESS/python/60_asyncio.py" --part costs --tasks "$py_tasks" \
        --rounds "$py_rounds" | tail -n +2 >>"$RUN/60_python_costs.csv"
    if [ "$first" = 1 ]; then
        progress "60: CPython $version: asyncio Tasks and threads, cells $cross_cells at 1 ms"
        "$python" "$HARNESS/python/60_asyncio.py" --part cells --cells "$cross_cells" \
            --latency-ms 1 --rounds "$cross_rounds" | tail -n +2 >>"$RUN/60_cells.csv"
        first=0
    fi
done
