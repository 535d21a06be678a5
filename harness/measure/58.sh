#!/bin/sh
# Item 58, measure: runs 58_queue_workers-bench and CPython's queue workers,
# writes $RUN/58_*.csv (harness/claims/58.md says what each claim reads).
#   58_workers.csv  the book's 45 cells, 1 ms of I/O each, workers 1..45
#   58_no_io.csv    the same 1 and 5 workers with no I/O (58.workers.neg-io)
#   58_limit.csv    5 and 45 cells at 5 and 45 workers (58.limit, 58.limit.neg)
#   58_cells.csv    the cross-item rows (approach queue_workers, 5 workers)
#   58_python.csv   CPython's queue.Queue workers, every interpreter found
#   58_refactor.csv the lines of code the move to queues added
set -eu
. "$HARNESS/lib.sh"

bench=$BIN/58_queue_workers-bench
if [ "$QUICK" = 1 ]; then
    rounds=3 workers=1,5,45 sizes=45,400,2500 cell_rounds=1
else
    rounds=5 workers=1,3,5,15,45 sizes=45,400,2500,10000,100000,1000000 cell_rounds=3
fi

progress "58: the book's 45 cells by $workers queue workers, 1 ms of I/O a cell, $rounds rounds"
"$bench" --part life --cells 45 --workers "$workers" --io-ms 1 --generations 2 \
    --rounds "$rounds" >"$RUN/58_workers.csv"
"$bench" --part life --cells 45 --workers 1,5 --io-ms 0 --generations 20 \
    --rounds "$rounds" >"$RUN/58_no_io.csv"
progress "58: 5 and 45 cells at 5 and 45 workers (the cap)"
"$bench" --part life --cells 5,45 --workers 5,45 --io-ms 1 --generations 8 \
    --rounds "$rounds" >"$RUN/58_limit.csv"
progress "58: the cross-item sizes $sizes, 5 workers"
"$bench" --part cells --cells "$sizes" --workers 5 --io-ms 1 --rounds "$cell_rounds" \
    >"$RUN/58_cells.csv"

rm -f "$RUN/58_python.csv"
pythons | while read -r version python; do
    progress "58: CPython $version, queue.Queue workers 1 and 5 on the book's grid"
    if [ -s "$RUN/58_python.csv" ]; then
        "$python" "$HARNESS/python/58_queue.py" --workers 1,5 --rounds 2 | tail -n +2
    else
        "$python" "$HARNESS/python/58_queue.py" --workers 1,5 --rounds 2
    fi >>"$RUN/58_python.csv"
done

# The refactoring: lines of code the move to queues added, from the "The
# move to queues" marker to "The story"; and item 56's serial step, the code
# it replaces.
count=$HARNESS/measure/58_code_lines.sh
items=$HARNESS/../items
{
    echo "what,code_lines"
    echo "queue_workers_move,$(sh "$count" "$items/58_queue_workers/queue_workers.c" \
        '---- The move to queues' '---- The story')"
    echo "serial_step_56,$(sh "$count" "$items/56_game_of_life/life.c" '^int life_step_serial(' '^}')"
} >"$RUN/58_refactor.csv"
