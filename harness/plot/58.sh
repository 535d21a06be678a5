#!/bin/sh
# Item 58, plot: 58_workers (time per generation against workers, the
# book's 45 cells) and 58_cells (against cells, 5 workers), from the CSVs.
set -eu
. "$HARNESS/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# gen_ms = gen_s in milliseconds, then its median and range per KEYS.
in_ms() { # in_ms IN OUT KEYS
    mlr --icsv --ocsv filter 'is_present($gen_s) && $gen_s != ""' then put '$gen_ms = $gen_s * 1000' "$1" >"$tmp/ms.csv"
    summarize "$tmp/ms.csv" "$2" "$3" gen_ms
}

in_ms "$RUN/58_workers.csv" "$tmp/workers.csv" variant,workers
groups="queue_workers io_count sleepers"
labels="queue_workers,_2_queues 3_queues,_counting_does_I/O_too sleepers_(control:_bare_threads,_no_queue)"
if [ -s "$RUN/58_python.csv" ]; then
    default=$(csv_value "$RUN/58_python.csv" python)
    select_rows "$RUN/58_python.csv" python="$default" >"$tmp/py.csv"
    in_ms "$tmp/py.csv" "$tmp/pyw.csv" variant,workers
    tail -n +2 "$tmp/pyw.csv" >>"$tmp/workers.csv"
    groups="$groups cpython_queue_workers" labels="$labels CPython_${default}_queue.Queue_workers"
fi
plot_with 58_lines "$tmp/workers.csv" "$RUN/58_workers" \
    xat="$(mlr --icsv --onidx cut -f workers then uniq -a "$tmp/workers.csv" | paste -sd' ' -)" \
    title="Item 58: 45 cells (the book grid), 1 ms of I/O each, by W queue workers" \
    xlabel="workers W (log scale)" ylabel="time per generation, ms (log scale)" \
    xcol=workers ycol=median lowcol=lo highcol=hi groupcol=variant groups="$groups" \
    labels="$labels" logx=10 logy=10 dashes="1 2 3 4" \
    ideal="ceil(45 / x)" idealtitle="ideal: ceil(45 / W) waits of 1 ms"

in_ms "$RUN/58_cells.csv" "$tmp/cells.csv" approach,cells
plot_with 58_lines "$tmp/cells.csv" "$RUN/58_cells" \
    xat="$(mlr --icsv --onidx cut -f cells "$tmp/cells.csv" | paste -sd' ' -)" \
    title="Item 58: 5 queue workers, 1 ms of I/O per cell" \
    xlabel="cells in the grid (log scale)" ylabel="time per generation, ms (log scale)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=approach groups=queue_workers \
    labels="5_queue_workers_(median,_min-max_over_rounds)" logx=10 logy=10 \
    ideal="ceil(x / 5)" idealtitle="ceil(cells / 5) x 1 ms: the cap of 5 workers"
