#!/bin/sh
# Item 56, plot: 56_cells.svg/.png, time per generation against cells at
# 1 ms per cell: the serial sweep with its prediction cells x latency, and
# the negative control (the waits overlapped), log-log.
set -eu
. "$HARNESS/lib.sh"

long=$RUN/56_cells_long.csv
mlr --icsv --ocsv filter '$gen_s != ""' then cut -o -f approach,cells,round,gen_s \
    "$RUN/56_cells.csv" "$RUN/56_overlapped.csv" >"$long"
summarize "$long" "$RUN/56_cells_chart.csv" approach,cells gen_s
plot_lines "$RUN/56_cells_chart.csv" "$RUN/56_cells" \
    title="Item 56: a serial generation takes cells x latency (1 ms of I/O per cell)" \
    xlabel="cells in the grid (log scale)" ylabel="seconds per generation (log scale)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=approach groups="serial overlapped" \
    labels="serial:_one_cell_after_another negative_control:_the_waits_overlapped" \
    ideal="x * 0.001" idealtitle="cells x 1 ms (the claim)" logx=10 logy=10
rm -f "$long"
