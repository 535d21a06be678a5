#!/bin/sh
# Item 58: queue workers. The Game of Life of 56 by five workers between an in
# and an out queue: generation time against cells (the line cells / 5 x
# latency), against workers; the second version (three queues); a worker's
# error raised again; and how many lines changed from item 56.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/58_queue_workers"
io_ms=1
if [ "$QUICK" = 1 ]; then
    rounds=3 rows=5,10,15 cols=9,10,15 sweep=10 workers=1,5
else
    rounds=5 rows=5,10,20,30 cols=9,10,20,30 sweep=20 workers=1,2,5,10
fi
lat=$(calc "$io_ms / 1000")

if measuring; then
    progress "58: five queue workers, grids $rows x $cols, ${io_ms} ms per cell, $rounds rounds"
    "$prog" --csv --variant queue_workers --workers 5 --rows "$rows" --cols "$cols" \
        --io-ms "$io_ms" --rounds "$rounds" >"$RUN/58_cells.csv" 2>"$RUN/58_stderr.log"
    progress "58: workers $workers on $sweep x $sweep, both versions"
    "$prog" --csv --variant both --workers "$workers" --rows "$sweep" --cols "$sweep" \
        --io-ms "$io_ms" --rounds "$rounds" >"$RUN/58_workers.csv" 2>>"$RUN/58_stderr.log"
    rm -f "$RUN/58_python.csv"
    if command -v python3 >/dev/null 2>&1; then
        progress "58: CPython's queue.Queue workers, $workers on $sweep x $sweep"
        python3 "$HARNESS/python/58_queue.py" --rows "$sweep" --cols "$sweep" --workers "$workers" \
            --io-ms "$io_ms" --rounds 1 >"$RUN/58_python.csv"
    fi
    same_grid=0
    grep -q '!!!' "$RUN/58_stderr.log" || same_grid=1
    error_ok=0
    rc=0
    "$prog" --fail-cell 3,4 --rows 5 --cols 9 --rounds 1 --io-ms 0.1 >/dev/null \
        2>"$RUN/58_error.log" || rc=$?
    [ "$rc" = 3 ] && grep -q 'simulation error at (3, 4): Input/output error' "$RUN/58_error.log" &&
        error_ok=1
    # The refactoring: item 56's program against this one, line by line.
    src=$HARNESS/../items
    lines_56=$(wc -l <"$src/56_game_of_life/game_of_life.c")
    changed=$(git diff --no-index --numstat "$src/56_game_of_life/game_of_life.c" \
        "$src/58_queue_workers/queue_workers.c" | awk '{ print $1 "," $2 }') || true
    {
        echo "check,value"
        echo "same_grid,$same_grid"
        echo "error_comes_back,$error_ok"
        echo "lines_56,$lines_56"
        echo "lines_added,${changed%,*}"
        echo "lines_deleted,${changed#*,}"
    } >"$RUN/58_checks.csv"
fi
check() { csv_value "$RUN/58_checks.csv" value check="$1"; }

# ---- Claim: a generation takes about cells / workers x latency
# Per round: speedup 5 workers vs 1, and the 5-worker time against cells/5 x latency.
cells_sweep=$(csv_value "$RUN/58_workers.csv" cells variant=queue_workers)
awk -F, -v cells="$cells_sweep" -v lat="$lat" 'NR > 1 && $1 == "queue_workers" { t[$8, $6] = $9; r[$8] = 1 }
    END { print "round,speedup,vs_predicted,per_cell_ms"
          for (k in r) if (t[k, 1] > 0 && t[k, 5] > 0)
              printf "%s,%.4f,%.4f,%.4f\n", k, t[k, 1] / t[k, 5], t[k, 5] / (cells / 5 * lat), 1000 * t[k, 1] / cells }' \
    "$RUN/58_workers.csv" >"$RUN/58_ratios.csv"
set -- $(stat "$RUN/58_ratios.csv" speedup)
speedup=$1 speedup_lo=$2 speedup_hi=$3 nrounds=$4
vs_pred=$(median "$RUN/58_ratios.csv" vs_predicted)
per_cell_ms=$(median "$RUN/58_ratios.csv" per_cell_ms)
scale_v=$(decide "$speedup >= 3.5 && $vs_pred <= 1.6" "$per_cell_ms <= 2 * $io_ms" \
    "one worker took $per_cell_ms ms per cell for a $io_ms ms wait")
same_v=$(verdict "$(check same_grid) == 1")
error_v=$(verdict "$(check error_comes_back) == 1")
lines_56=$(check lines_56) added=$(check lines_added) deleted=$(check lines_deleted)
refactor_v=$(verdict "$deleted + $added >= $lines_56 / 3")

# ---- Charts
summarize "$RUN/58_cells.csv" "$RUN/58_cells_chart.csv" variant,cells gen_s
plot_lines "$RUN/58_cells_chart.csv" "$RUN/58_cells" \
    title="Item 58: five queue workers, ${io_ms} ms of I/O per cell" \
    xlabel="cells in the grid" ylabel="time per generation (s)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=variant groups=queue_workers \
    labels="5_queue_workers_(median,_min-max_over_rounds)" logx=10 logy=10 \
    ideal="x / 5 * $lat" idealtitle="cells / 5 x latency: the limit of 5 workers"
summarize "$RUN/58_workers.csv" "$RUN/58_workers_chart.csv" variant,workers gen_s
groups="queue_workers queue_workers_io_count"
labels="2_queues,_counting_in_the_main_thread 3_queues,_counting_does_I/O_too"
py_note="CPython was not available on this machine, so only the C model was run."
if [ -s "$RUN/58_python.csv" ]; then
    summarize "$RUN/58_python.csv" "$RUN/58_python_chart.csv" variant,workers gen_s
    tail -n +2 "$RUN/58_python_chart.csv" >>"$RUN/58_workers_chart.csv"
    groups="$groups cpython_queue_workers" labels="$labels CPython_queue.Queue_workers"
    py_one=$(median "$RUN/58_python.csv" gen_s workers=1)
    py_five=$(median "$RUN/58_python.csv" gen_s workers=5)
    py_note="CPython ($(python3 --version 2>&1), \`harness/python/58_queue.py\`, one round): the same design with \`queue.Queue\` and \`time.sleep\` on a $sweep x $sweep grid, one worker **$(calc "$py_one") s** per generation, five **$(calc "$py_five") s** ($(calc "$py_one / $py_five")x)."
fi
plot_lines "$RUN/58_workers_chart.csv" "$RUN/58_workers" \
    title="Item 58: $cells_sweep cells, ${io_ms} ms of I/O per cell" \
    xlabel="workers (per stage)" ylabel="time per generation (s)" \
    xcol=workers ycol=median lowcol=lo highcol=hi groupcol=variant \
    groups="$groups" labels="$labels" \
    logx=2 logy=10 ideal="$cells_sweep / x * $lat" idealtitle="cells / workers x latency"

{
    echo "| 58 | the queue workers give the same grid as serial | $same_v: every run checked against item 56's serial grid |"
    echo "| 58 | a generation takes cells / workers x latency (scales with workers) | $scale_v: 5 workers ran ${speedup}x faster than 1 (${speedup_lo}-${speedup_hi}x over $nrounds rounds) on $cells_sweep cells, $(calc "$vs_pred")x the cells / 5 x latency line |"
    echo "| 58 | a worker's error comes back and is raised again | $error_v: \`--fail-cell 3,4\` ends with \"simulation error at (3, 4)\", exit 3 |"
    echo "| 58 | the move from item 56 needs a large refactoring | $refactor_v: $added lines added and $deleted deleted against item 56's $lines_56 |"
} >"$RUN/58.verdicts"

{
    cat <<EOT
## Item 58: queue workers need refactoring ([items/58_queue_workers](../../items/58_queue_workers/README.md))

The Game of Life of item 56 with each cell's \`game_logic\` blocking ${io_ms} ms,
run by a fixed set of worker threads between an in queue and an out queue
(item 55's queue). Every run is checked against item 56's serial grid.

![Item 58, generation time against cells](58_cells.svg)

**The claim:** a generation takes about cells / workers x latency: five
workers are five times faster than one, and no faster, so a large grid is
still slow. **Measured:** five workers ran **${speedup}x** faster than one
(${speedup_lo}-${speedup_hi}x over $nrounds rounds) on $cells_sweep cells, at
$(calc "$vs_pred")x the cells / 5 x latency line. Control: one worker spent
$per_cell_ms ms per cell for a $io_ms ms wait. **Verdict: $scale_v.**
$py_note

![Item 58, generation time against workers](58_workers.svg)

| variant | cells | workers | per generation (s) | min | max | rounds |
|---|---:|---:|---:|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| %s | %s | 5 | %.4f | %.4f | %.4f | %s |\n", $1, $2, $3, $4, $5, $6 }' "$RUN/58_cells_chart.csv")
$(awk -F, -v c="$cells_sweep" 'NR > 1 { printf "| %s | %s | %s | %.4f | %.4f | %.4f | %s |\n", $1, c, $2, $3, $4, $5, $6 }' "$RUN/58_workers_chart.csv")

The second version (\`queue_workers_io_count\`) makes counting the neighbours
wait for I/O as well: three queues and two sets of workers. Each cell now waits
twice, but the stages overlap, so a generation costs about the same.

**Same grid as serial: $same_v. A worker's error raised again in the main
thread ("simulation error at (3, 4): Input/output error", exit 3): $error_v.**

**The refactoring:** \`git diff --no-index --numstat items/56_game_of_life/game_of_life.c
items/58_queue_workers/queue_workers.c\` counts $added lines added and $deleted
deleted against item 56's $lines_56: the queues, the workers, their start and
shutdown, and errors carried as values do not fit into the serial code's shape.
**Verdict: $refactor_v.**

Raw data: [58_cells.csv](58_cells.csv), [58_workers.csv](58_workers.csv), [58_checks.csv](58_checks.csv)$([ -s "$RUN/58_python.csv" ] && echo ", [58_python.csv](58_python.csv)").
EOT
} >"$RUN/58.md"
