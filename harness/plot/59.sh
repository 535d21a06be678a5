#!/bin/sh
# Item 59, plot: 59_workers (time per generation against max_workers, the
# book's 45 cells), 59_cells (against cells, a pool of 10), 59_overhead (an
# empty task's wall time on three pools) and 59_cpu (its CPU time).
set -eu
. "$HARNESS/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
in_ms() { # in_ms IN OUT KEYS: gen_s as gen_ms, its median and range per KEYS
    mlr --icsv --ocsv filter 'is_present($gen_s) && $gen_s != ""' then put '$gen_ms = $gen_s * 1000' "$1" >"$tmp/ms.csv"
    summarize "$tmp/ms.csv" "$2" "$3" gen_ms
}
xat() { mlr --icsv --onidx cut -f "$2" then uniq -a "$1" | paste -sd' ' -; }

in_ms "$RUN/59_workers.csv" "$tmp/workers.csv" variant,workers
groups="pool sleepers" labels="executor.h_pool sleepers_(control:_bare_threads,_no_pool)"
if [ -s "$RUN/59_python.csv" ]; then
    default=$(csv_value "$RUN/59_python.csv" python)
    mlr --icsv --ocsv filter "\$python == \"$default\" && \$cells == 45" \
        then put '$variant = "cpython"' "$RUN/59_python.csv" >"$tmp/py.csv"
    in_ms "$tmp/py.csv" "$tmp/pyw.csv" variant,workers
    tail -n +2 "$tmp/pyw.csv" >>"$tmp/workers.csv"
    groups="$groups cpython" labels="$labels CPython_${default}_ThreadPoolExecutor"
fi
plot_with 58_lines "$tmp/workers.csv" "$RUN/59_workers" xat="$(xat "$tmp/workers.csv" workers)" \
    title="Item 59: 45 cells (the book grid), 1 ms of I/O each, one pool of W workers" \
    xlabel="max workers W of the pool (log scale)" ylabel="time per generation, ms (log scale)" \
    xcol=workers ycol=median lowcol=lo highcol=hi groupcol=variant groups="$groups" \
    labels="$labels" logx=10 logy=10 dashes="1 3 2" \
    ideal="ceil(45 / x)" idealtitle="ideal: ceil(45 / W) waits of 1 ms"

in_ms "$RUN/59_cells.csv" "$tmp/cells.csv" approach,cells
plot_with 58_lines "$tmp/cells.csv" "$RUN/59_cells" xat="$(xat "$tmp/cells.csv" cells)" \
    title="Item 59: a pool of 10, 1 ms of I/O per cell" \
    xlabel="cells in the grid (log scale)" ylabel="time per generation, ms (log scale)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=approach groups=pool \
    labels="a_pool_of_10_(median,_min-max_over_rounds)" logx=10 logy=10 \
    ideal="ceil(x / 10)" idealtitle="ceil(cells / 10) x 1 ms: the cap of 10 workers"

# One category per mode and placement, one point per pool (log axis: points).
# Short category names: points.gp's awk command garbles past a length.
mlr --icsv --ocsv put '$case = substr($mode, 0, 0) . $pinned' "$RUN/59_overhead.csv" >"$tmp/o.csv"
pools="executor executor_spinning gthreadpool"
pool_labels="executor.h,_blocking_(as_CPython) executor.h,_spinning_20_us GLib_GThreadPool"
overhead_chart() { # overhead_chart COLUMN OUT TITLE YLABEL CATS CATLABELS
    summarize "$tmp/o.csv" "$tmp/$1.csv" variant,case "$1"
    plot_points "$tmp/$1.csv" "$RUN/$2" title="$3" ylabel="$4" catcol=case cats="$5" \
        catlabels="$6" groupcol=variant groups="$pools" labels="$pool_labels" \
        ycol=median lowcol=lo highcol=hi logy=10
}
overhead_chart per_task_us 59_overhead \
    "Item 59: one empty task, submit to result, 2 workers (median, min-max over rounds)" \
    "wall time per task, us (log scale)" "b0 b1 o0 o1" \
    "batch,_unpinned batch,_pinned round_trip,_unpinned round_trip,_pinned"
overhead_chart cpu_per_task_us 59_cpu \
    "Item 59: the CPU an empty task costs the process, 2 workers (unpinned unless said)" \
    "CPU time per task, us (log scale)" "b0 b1 o0 o1 s0 s1" \
    "batch batch,_pinned round_trip round_trip,_pinned sparse sparse,_pinned"
