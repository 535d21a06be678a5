#!/bin/sh
# Item 59, report: the item's section of the report page, on stdout, from
# 59.figures (the judge's numbers) and the CSVs.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/59.figures"
root=../../..

ms() { f=$1; shift; calc "$(median "$f" gen_s "$@") * 1000"; }
fig() { eval "printf '%s' \"\${$1:-}\""; } # fig NAME: a figure by its name

cat <<EOT
## Item 59: ThreadPoolExecutor ([items/59_thread_pool]($root/items/59_thread_pool/README.md))

Item 56's Game of Life, each cell's \`game_logic\` blocking 1 ms, on a
pool of threads made once and reused by every generation: one
\`executor_submit\` per cell, then \`future_result\` for each (the executor,
\`items/59_thread_pool/executor.h\`, blocks and starts its threads lazily,
as CPython's pool does). Every run's grid is checked against item 56's
serial one.

**Errors come back** (\`59.errors\`): cell (2, 3)'s I/O fails with EIO in
its worker; \`future_result\` returns the error to the main thread, which
raises it as "simulation error at (2, 3): Input/output error", with no code
to carry it (item 58 needed a field in every work item). A caller that
never asks (it submits every cell, then shuts the pool down: the negative
control) learns nothing, though the failing task ran: an error lives in
its future until someone asks.

![Item 59, time per generation against max workers](59_workers.svg)

**max_workers caps the I/O parallelism** (\`59.cap\`, each cell waiting
$wait_ms ms): on a pool of 10, 45 cells took **$growth** the time of 10
cells (ceil(45 / 10) = 5 turns against 1; the 10-cell generation took
$one_ms ms for its $wait_ms ms wait). On a
pool of 100, more workers than cells (the negative control), they took
$growth100 the time: every cell waited at once. That pool started at most
$threads100 threads alive for 45 cells, not 101: threads start when a task
needs one, and an idle one is reused first (CPython 3.8 and later).

![Item 59, time per generation against cells](59_cells.svg)

A pool of 10 against the grid size (the cross-item rows, \`59_cells.csv\`):

| cells | per generation (ms) | ceil(cells / 10) x 1 ms | resident memory (KiB) | note |
|---:|---:|---:|---:|---|
EOT
for c in $(mlr --icsv --onidx cut -f cells then uniq -a "$RUN/59_cells.csv"); do
    note=$(csv_value "$RUN/59_cells.csv" note cells="$c" round=0)
    if [ -n "$note" ]; then
        echo "| $c | | $(( (c + 9) / 10 )) | | $note |"
    else
        echo "| $c | $(ms "$RUN/59_cells.csv" cells="$c") | $(( (c + 9) / 10 )) | $(median "$RUN/59_cells.csv" rss_kib cells="$c") | |"
    fi
done

cat <<EOT

![Item 59, the wall time of one task](59_overhead.svg)
![Item 59, the CPU of one task](59_cpu.svg)

**What a task costs the pool** (\`59.gthreadpool\`, conclab's own goal):
empty tasks on 2 workers, submit to result, the pools taking turns in
every round; medians in microseconds per task (wall / CPU of the whole
process). Ratios: executor over GThreadPool, under 1 is cheaper.

| mode | placement | executor (blocking) | GThreadPool | executor / GThreadPool | executor, spinning 20 us |
|---|---|---:|---:|---:|---:|
| batch | pinned to CPU 0 | $(fig us_executor_batch_1) / $(fig cpu_executor_batch_1) | $(fig us_gthreadpool_batch_1) / $(fig cpu_gthreadpool_batch_1) | **$(fig ratio_batch_1)x** | $(fig us_executor_spinning_batch_1) / $(fig cpu_executor_spinning_batch_1) |
| one at a time | pinned to CPU 0 | $(fig us_executor_one_1) / $(fig cpu_executor_one_1) | $(fig us_gthreadpool_one_1) / $(fig cpu_gthreadpool_one_1) | **$(fig ratio_one_1)x** | $(fig us_executor_spinning_one_1) / $(fig cpu_executor_spinning_one_1) |
| batch | unpinned | $(fig us_executor_batch_0) / $(fig cpu_executor_batch_0) | $(fig us_gthreadpool_batch_0) / $(fig cpu_gthreadpool_batch_0) | $(fig ratio_batch_0)x | $(fig us_executor_spinning_batch_0) / $(fig cpu_executor_spinning_batch_0) |
| one at a time | unpinned | $(fig us_executor_one_0) / $(fig cpu_executor_one_0) | $(fig us_gthreadpool_one_0) / $(fig cpu_gthreadpool_one_0) | $(fig ratio_one_0)x | $(fig us_executor_spinning_one_0) / $(fig cpu_executor_spinning_one_0) |
| sparse (one per 0.1 ms) | unpinned | $(fig us_executor_sparse_0) / $(fig cpu_executor_sparse_0) | $(fig us_gthreadpool_sparse_0) / $(fig cpu_gthreadpool_sparse_0) | | $(fig us_executor_spinning_sparse_0) / $(fig cpu_executor_spinning_sparse_0) |

The verdict rests on the pinned rows (the pinned runs got $cpu_wall of
their CPU; under 0.9 the verdict would be inconclusive): there every
thread shares CPU 0, a wake-up is a switch on one CPU, and the pools' own
code is what differs. Unpinned, where the scheduler puts each thread sets
the cost of a round trip (a wake-up across the two vCPUs costs tens of
microseconds), so those rows are shown, not judged. The executor blocks
as CPython's pool does: an idle worker sleeps, and each round trip pays
two wake-ups, as GThreadPool's does. The spinning variant, shown beside
it and not used by the program, keeps looking for 20 us before it sleeps:
its round trips skip the wake-ups, and between sparse tasks, where nothing
comes within 20 us, it burns that CPU for nothing.

EOT

if [ -s "$RUN/59_python_facts.csv" ]; then
    cat <<EOT
**CPython**, every interpreter found (\`harness/python/59_pool.py\`; a pool of
10 unless said; threads are the pool's workers alive):

| Python | cores | default max_workers | threads at start | after 3 tasks in turn | after 45 at once | an error, asking result() | never asking |
|---|---:|---:|---:|---:|---:|---|---|
$(mlr --icsv --onidx --ofs ' | ' cat "$RUN/59_python_facts.csv" | sed 's/^/| /; s/$/ |/')

EOT
    grep -q 'no concurrent.futures' "$RUN/59_python.log" 2>/dev/null &&
        echo "$(sed -n 's/^59_pool.py: Python \([0-9.]*\) has no concurrent.futures$/\1/p' "$RUN/59_python.log" | sort -u | paste -sd, -): no \`concurrent.futures\` in the standard library." && echo
    echo "The default changed in 3.8 (from cores x 5 to min(32, cores + 4)) and the"
    echo "reuse of an idle thread came with it; 3.13 counts the CPUs the process may"
    echo "use. The same Game of Life, 1 ms a cell (generation time in ms, median of 2"
    echo "rounds of 3 generations, the threads' lazy start included; 45 / 10 is the"
    echo "cap's ratio, as \`59.cap\` reads it). Shown, not judged: runs this short move"
    echo "with every neighbour, and under the GIL each waking thread queues for it:"
    echo
    echo "| Python | 45 cells, 1 worker | 10 workers | 100 workers | 10 cells, 10 workers | 45 / 10 cells, 10 workers |"
    echo "|---|---:|---:|---:|---:|---:|"
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$RUN/59_python.csv"); do
        f=$RUN/59_python.csv
        a=$(ms "$f" python="$v" cells=45 workers=1) b=$(ms "$f" python="$v" cells=45 workers=10)
        c=$(ms "$f" python="$v" cells=45 workers=100) d=$(ms "$f" python="$v" cells=10 workers=10)
        echo "| $v | $a | $b | $c | $d | $(calc "$b / $d")x |"
    done
    echo
else
    echo "CPython was not found on this machine: only the C model ran."
    echo
fi

pool=$(csv_value "$RUN/59_refactor.csv" code_lines what=pool_move)
queues=$(csv_value "$RUN/59_refactor.csv" code_lines what=queue_workers_move)
executor=$(csv_value "$RUN/59_refactor.csv" code_lines what=executor)
cat <<EOT
**The refactoring** (shown, not judged): the move to a pool is **$pool lines
of code** in \`thread_pool.c\` (the task, fan-out by submit, fan-in by
result, the pool made and shut down), against **$queues** for item 58's move
to queues. The pool itself, \`executor.c\` ($executor lines of code), is what
Python ships as \`concurrent.futures\`: a program using it writes none of
them.

Raw data: [59_workers.csv](59_workers.csv), [59_cap.csv](59_cap.csv), [59_errors.csv](59_errors.csv), [59_overhead.csv](59_overhead.csv), [59_cells.csv](59_cells.csv)$([ -s "$RUN/59_python.csv" ] && echo ", [59_python_facts.csv](59_python_facts.csv), [59_python.csv](59_python.csv)"), [59_refactor.csv](59_refactor.csv).
EOT
