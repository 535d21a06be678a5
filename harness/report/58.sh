#!/bin/sh
# Item 58, report: the item's section of the report page, on stdout, from
# 58.figures (the judge's numbers) and the CSVs.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/58.figures"
root=../../..

# The median of gen_s in ms, rows matching KEY=VALUE ...
ms() { f=$1; shift; calc "$(median "$f" gen_s "$@") * 1000"; }
# The rows of a cross-item CSV, one per size: its median, the ideal with
# WORKERS workers, the memory, or why it was not run.
cells_table() { # cells_table FILE WORKERS
    for c in $(mlr --icsv --onidx cut -f cells then uniq -a "$1"); do
        note=$(csv_value "$1" note cells="$c" round=0)
        if [ -n "$note" ]; then
            echo "| $c | | $(( (c + $2 - 1) / $2 )) | | $note |"
        else
            echo "| $c | $(ms "$1" cells="$c") | $(( (c + $2 - 1) / $2 )) | $(median "$1" rss_kib cells="$c") | |"
        fi
    done
}

cat <<EOT
## Item 58: queue workers need refactoring ([items/58_queue_workers]($root/items/58_queue_workers/README.md))

Item 56's Game of Life, each cell's \`game_logic\` blocking 1 ms (the
book's I/O), run by a fixed set of worker threads between an in queue and
an out queue (item 55's queue). Every run's grid is checked against item
56's serial one (the bench stops with \`!!!\` otherwise), and a worker's
error comes back as a value, raised again naming its cell (the program's
own check, \`--part error\`).

![Item 58, time per generation against workers](58_workers.svg)

**More workers, less waiting** (\`58.workers\`, the book's 45 cells): 5
workers ran **$speedup** faster than 1. The control, 5 bare threads that
only block (the same waits, no queue), reached ${ideal}x against 1; one
queue worker took ${handoff}x the time of one bare sleeper, so the
hand-offs cost next to nothing beside the 1 ms waits. With no I/O at all
(the negative control, \`--io-ms 0\`), 5 workers were **$speedup0** as fast
as 1 ($gen0_1_us us against $gen0_5_us us a generation): with nothing to
wait for there is nothing to overlap, and five workers contend for one
queue. Ratios here: the time with 1 worker over the time with 5, bigger is
faster.

**The workers cap the I/O parallelism** (\`58.limit\`): with 5 workers, 45
cells took **$growth** the time of 5 cells (ceil(45 / 5) = 9 turns of
5 waits, against 1; the 5-cell generation took $one_ms ms for its 1 ms
wait). With 45 workers, as many as the cells (the negative control), 45
cells took $growth45 the time of 5: nothing waited for a free worker.
The second version, where counting the neighbours does I/O too (three
queues, 5 + 5 workers), waits twice per cell, yet costs about one
latency more per generation, not twice: its two stages wait at the same
time, one cell behind the other (the dashed line above).

![Item 58, time per generation against cells](58_cells.svg)

Five workers against the grid size (the cross-item rows, \`58_cells.csv\`;
item 60's cross chart sets them beside the other items' answers):

| cells | per generation (ms) | ceil(cells / 5) x 1 ms | resident memory (KiB) | note |
|---:|---:|---:|---:|---|
$(cells_table "$RUN/58_cells.csv" 5)

EOT

if [ -s "$RUN/58_python.csv" ]; then
    echo "**CPython** (\`harness/python/58_queue.py\`: the same design with \`queue.Queue\` and"
    echo "\`time.sleep\`, 45 cells, 1 ms a cell, median of 2 rounds), every interpreter found:"
    echo
    echo "| Python | 1 worker (ms) | 5 workers (ms) | 1 / 5 |"
    echo "|---|---:|---:|---:|"
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$RUN/58_python.csv"); do
        one=$(ms "$RUN/58_python.csv" python="$v" workers=1)
        five=$(ms "$RUN/58_python.csv" python="$v" workers=5)
        echo "| $v | $one | $five | $(calc "$one / $five")x |"
    done
    echo
    echo "\`time.sleep\` releases the GIL on every version, so the workers overlap their"
    echo "waits in CPython as in C."
else
    echo "CPython was not found on this machine: only the C model ran."
fi
move=$(csv_value "$RUN/58_refactor.csv" code_lines what=queue_workers_move)
serial=$(csv_value "$RUN/58_refactor.csv" code_lines what=serial_step_56)
cat <<EOT

**The refactoring** (shown, not judged: a line count cannot come out
otherwise): the move to queues is **$move lines of code** in
\`queue_workers.c\` (from \`The move to queues\` to \`The story\`, blank and
comment lines left out): the work item, the worker loop, starting and
stopping the pipeline, fan-out, fan-in and the error carried as a value.
They replace item 56's serial step, \`life_step_serial\`: $serial lines.
Item 59's section sets its move to a thread pool beside it.

Raw data: [58_workers.csv](58_workers.csv), [58_no_io.csv](58_no_io.csv), [58_limit.csv](58_limit.csv), [58_cells.csv](58_cells.csv)$([ -s "$RUN/58_python.csv" ] && echo ", [58_python.csv](58_python.csv)"), [58_refactor.csv](58_refactor.csv).
EOT
