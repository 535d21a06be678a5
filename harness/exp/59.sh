#!/bin/sh
# Item 59: ThreadPoolExecutor. The Game of Life of 56 on a pool made once and
# reused: generation time against max_workers (fixed grid) and against cells
# (a pool of 10); a task's error from future_result; the cost of one task
# beside GLib's GThreadPool, unpinned and pinned; CPython's ThreadPoolExecutor
# on the same grid and latency.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/59_thread_pool"
io_ms=1
if [ "$QUICK" = 1 ]; then
    rounds=3 side=8 workers=1,2,10,64 pool_rows=5,10,15 pool_cols=9,10,15 tasks=20000 pyrounds=1
    four_sizes="5x9 10x10 20x20" serial_upto=45
else
    rounds=5 side=12 workers=1,2,5,10,20,50,144 pool_rows=5,10,20,30 pool_cols=9,10,20,30
    tasks=100000 pyrounds=2
    four_sizes="5x9 10x10 20x20 40x40 100x100" serial_upto=400
fi
lat=$(calc "$io_ms / 1000")
cells_sweep=$((side * side))

if measuring; then
    progress "59: max_workers $workers on $side x $side, ${io_ms} ms per cell, $rounds rounds"
    "$prog" --csv --workers "$workers" --rows "$side" --cols "$side" --io-ms "$io_ms" \
        --rounds "$rounds" >"$RUN/59_workers.csv" 2>"$RUN/59_stderr.log"
    progress "59: a pool of 10, grids $pool_rows x $pool_cols"
    "$prog" --csv --workers 10 --rows "$pool_rows" --cols "$pool_cols" --io-ms "$io_ms" \
        --rounds "$rounds" >"$RUN/59_cells.csv" 2>>"$RUN/59_stderr.log"
    progress "59: one empty task, executor vs GThreadPool, unpinned then pinned"
    "$prog" --csv --bench overhead --workers 2 --tasks "$tasks" --rounds "$rounds" \
        >"$RUN/59_overhead.csv"
    "$prog" --csv --bench overhead --workers 2 --tasks "$tasks" --rounds "$rounds" --pin |
        tail -n +2 >>"$RUN/59_overhead.csv"
    same_grid=0
    grep -q '!!!' "$RUN/59_stderr.log" || same_grid=1
    error_ok=0 rc=0
    "$prog" --fail-cell 4,7 --rows 5 --cols 9 --rounds 1 --io-ms 0.1 >/dev/null \
        2>"$RUN/59_error.log" || rc=$?
    [ "$rc" = 3 ] && grep -q 'simulation error at (4, 7): Input/output error' "$RUN/59_error.log" &&
        error_ok=1
    printf 'check,value\nsame_grid,%s\nerror_comes_back,%s\n' "$same_grid" "$error_ok" \
        >"$RUN/59_checks.csv"
    rm -f "$RUN/59_python.csv"
    if command -v python3 >/dev/null 2>&1; then
        progress "59: CPython's ThreadPoolExecutor, max_workers $workers on $side x $side"
        python3 "$HARNESS/python/59_pool.py" --rows "$side" --cols "$side" --workers "$workers" \
            --io-ms "$io_ms" --rounds "$pyrounds" >"$RUN/59_python.csv"
    fi

fi
check() { csv_value "$RUN/59_checks.csv" value check="$1"; }

# ---- Claim: max_workers caps the I/O parallelism.
# Per round: the speedup of 10 workers over 1, and 10 workers' time against
# the cap, cells / 10 latencies (a pool of 10 can never wait for more at once).
awk -F, -v cells="$cells_sweep" -v lat="$lat" 'NR > 1 { t[$8, $6] = $9; r[$8] = 1 }
    END { print "round,speedup10,vs_cap,per_cell_ms"
          for (k in r) if (t[k, 1] > 0 && t[k, 10] > 0)
              printf "%s,%.4f,%.4f,%.4f\n", k, t[k, 1] / t[k, 10], t[k, 10] / (int((cells + 9) / 10) * lat), 1000 * t[k, 1] / cells }' \
    "$RUN/59_workers.csv" >"$RUN/59_ratios.csv"
set -- $(stat "$RUN/59_ratios.csv" speedup10)
speedup=$1 speedup_lo=$2 speedup_hi=$3 nrounds=$4
vs_cap=$(median "$RUN/59_ratios.csv" vs_cap)
per_cell_ms=$(median "$RUN/59_ratios.csv" per_cell_ms)
cap_v=$(decide "$speedup >= 7 && $vs_cap >= 0.9" "$per_cell_ms <= 2 * $io_ms" \
    "one worker took $per_cell_ms ms per cell for a $io_ms ms wait")
most=${workers##*,}
gen_most=$(median "$RUN/59_workers.csv" gen_s workers="$most")
gen_one=$(median "$RUN/59_workers.csv" gen_s workers=1)
error_v=$(verdict "$(check error_comes_back) == 1 && $(check same_grid) == 1")

# ---- Claim: the executor costs no more per task than GThreadPool.
# Ratios within each round (both pools run back to back in every round, so a
# neighbour that slows the whole round cancels out). What a busy neighbour
# CAN do is hit one pool and not the other in some rounds, which moves that
# round's ratio across the 1.1x line. So a row is decided only when its rounds
# agree on which side of the line it lies: at least three quarters of them
# (all 3 in a QUICK run, 4 of 5 in a full one). The control: every row is
# decided, or some row is decided against the claim (then no neighbour could
# have rescued it). Anything else is inconclusive.
limit=1.1
awk -F, 'NR > 1 { c[$1, $2, $7, $5] = $6; k[$2 "," $7 "," $5] = 1 }
    END { print "mode,pinned,round,ratio,glib_us"
          for (x in k) { split(x, p, ","); printf "%s,%s,%s,%.4f,%.4f\n", p[1], p[2], p[3],
              c["executor", p[1], p[2], p[3]] / c["gthreadpool", p[1], p[2], p[3]], c["gthreadpool", p[1], p[2], p[3]] } }' \
    "$RUN/59_overhead.csv" >"$RUN/59_overhead_ratios.csv"
ratio_of() { median "$RUN/59_overhead_ratios.csv" ratio mode="$1" pinned="$2"; }
rb0=$(ratio_of batch 0) ro0=$(ratio_of one 0) rb1=$(ratio_of batch 1) ro1=$(ratio_of one 1)
# One line per row: mode, pinned, rounds, rounds at or below the line, and
# decided: 1 (rounds agree, for), -1 (rounds agree, against), 0 (they disagree).
awk -F, -v lim="$limit" 'NR > 1 { n[$1 "," $2]++; if ($4 <= lim) below[$1 "," $2]++ }
    END { for (r in n) { need = int((3 * n[r] + 3) / 4); b = below[r] + 0
              printf "%s,%d,%d,%d\n", r, n[r], b, (b >= need ? 1 : (n[r] - b >= need ? -1 : 0)) } }' \
    "$RUN/59_overhead_ratios.csv" | sort >"$RUN/59_overhead_rows.csv"
# The verdict rests on the pinned rows. Unpinned, where the threads run is
# the scheduler's choice, and that choice, not either pool's code, decides a
# round trip's cost: on the 2-core VM the unpinned batch row came out 1.32x on
# a quiet machine and 0.41x beside a CPU hog (one core busy puts pool and
# caller together). A neighbour moves that row at will, so it is shown, not
# judged; pinned to one CPU, placement is fixed and the code is measured.
undecided=$(awk -F, '$2 == 1 && $5 == 0' "$RUN/59_overhead_rows.csv" | wc -l)
against=$(awk -F, '$2 == 1 && $5 == -1' "$RUN/59_overhead_rows.csv" | wc -l)
split_rows=$(awk -F, '$2 == 1 && $5 == 0 { printf "%s%s %s (%d of %d rounds at or below %sx)", sep, $1, ($2 == 1 ? "pinned" : "unpinned"), $4, $3, lim; sep = "; " }' \
    lim="$limit" "$RUN/59_overhead_rows.csv")
us() { median "$RUN/59_overhead.csv" per_task_us variant="$1" mode="$2" pinned="$3"; }
overhead_v=$(decide "$rb1 <= $limit && $ro1 <= $limit" \
    "$undecided == 0 || $against > 0" \
    "the rounds disagreed on which side of ${limit}x the ratio lies: $split_rows")

py_note="CPython was not available on this machine, so only the C model was run."
py_speedup=""
if [ -s "$RUN/59_python.csv" ]; then
    py_one=$(median "$RUN/59_python.csv" gen_s workers=1)
    py_ten=$(median "$RUN/59_python.csv" gen_s workers=10)
    py_speedup=$(calc "$py_one / $py_ten")
    py_note="CPython ($(python3 --version 2>&1), \`harness/python/59_pool.py\`, $pyrounds round(s)): ThreadPoolExecutor on the same $side x $side grid and ${io_ms} ms sleep per cell, one worker **$(calc "$py_one") s** per generation, ten **$(calc "$py_ten") s** (${py_speedup}x)."
fi

# ---- Charts
summarize "$RUN/59_workers.csv" "$RUN/59_workers_chart.csv" variant,workers gen_s
groups=thread_pool labels="executor.h_pool_(median,_min-max)"
if [ -s "$RUN/59_python.csv" ]; then
    summarize "$RUN/59_python.csv" "$RUN/59_python_chart.csv" variant,workers gen_s
    tail -n +2 "$RUN/59_python_chart.csv" >>"$RUN/59_workers_chart.csv"
    groups="$groups cpython_thread_pool" labels="$labels CPython_ThreadPoolExecutor"
fi
plot_lines "$RUN/59_workers_chart.csv" "$RUN/59_workers" \
    title="Item 59: $cells_sweep cells, ${io_ms} ms of I/O per cell, one pool reused" \
    xlabel="max workers of the pool" ylabel="time per generation (s)" \
    xcol=workers ycol=median lowcol=lo highcol=hi groupcol=variant groups="$groups" labels="$labels" \
    logx=10 logy=10 ymin=$(calc "$lat / 2") ideal="($cells_sweep / x > 1 ? $cells_sweep / x : 1) * $lat" \
    idealtitle="cells / max workers x latency, at least one latency"
summarize "$RUN/59_cells.csv" "$RUN/59_cells_chart.csv" variant,cells gen_s
plot_lines "$RUN/59_cells_chart.csv" "$RUN/59_cells" \
    title="Item 59: a pool of 10, ${io_ms} ms of I/O per cell" \
    xlabel="cells in the grid" ylabel="time per generation (s)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=variant groups=thread_pool \
    labels="pool_of_10_(median,_min-max_over_rounds)" logx=10 logy=10 \
    ideal="ceil(x / 10) * $lat" idealtitle="ceil(cells / 10) x latency"
# One line per cluster: "label" then median, smallest and largest round of
# the executor, then of GThreadPool (59_bars.gp draws the spread as error bars).
for mode in batch one; do for pin in 0 1; do
    label=batch
    [ $mode = batch ] || label="round trip"
    [ $pin = 0 ] || label="$label, pinned"
    printf '"%s"' "$label"
    for v in executor gthreadpool; do
        set -- $(stat "$RUN/59_overhead.csv" per_task_us variant=$v mode=$mode pinned=$pin)
        printf ' %s %s %s' "${1:-?}" "${2:-?}" "${3:-?}"
    done
    echo
done; done >"$RUN/59_overhead.dat"
gnuplot -e "in='$RUN/59_overhead.dat'; out='$RUN/59_overhead'; caption='$CAPTION'; logy=10;
    title='Item 59: one empty task, submit + result, 2 workers (median, min-max over rounds)';
    ylabel='microseconds per task (log scale)'; labels='executor.h GLib_GThreadPool'" \
    "$HARNESS/plots/59_bars.gp"
{
    echo "| 59 | errors come back to the caller | $error_v: a task failing for cell (4, 7) gave EIO from future_result, raised as \"simulation error at (4, 7)\", exit 3 |"
    echo "| 59 | max_workers caps the I/O parallelism | $cap_v: 10 workers ran ${speedup}x faster than 1 (${speedup_lo}-${speedup_hi}x over $nrounds rounds) on $cells_sweep cells, at $(calc "$vs_cap")x the ceil(cells / 10) x latency floor |"
    echo "| 59 | the executor costs no more per task than GLib's GThreadPool | $overhead_v: executor / GThreadPool pinned to one CPU $(calc "$rb1")x in batches and $(calc "$ro1")x one at a time (unpinned, placed by the scheduler, not judged: $(calc "$rb0")x and $(calc "$ro0")x) |"
} >"$RUN/59.verdicts"

{
    cat <<EOT
## Item 59: ThreadPoolExecutor ([items/59_thread_pool](../../items/59_thread_pool/README.md))

The Game of Life of item 56, each cell's \`game_logic\` blocking ${io_ms} ms,
on a pool of threads made once and reused for every generation: one
\`executor_submit\` per cell, then \`future_result\` for each (the executor piece,
\`items/59_thread_pool/executor.h\`). Every run is checked against item 56's
serial grid.

**Errors come back:** a task that fails for cell (4, 7) returns EIO, which
\`future_result\` hands to the main thread, which raises it as "simulation error
at (4, 7): Input/output error" (exit 3). **Verdict: $error_v.**

![Item 59, generation time against max_workers](59_workers.svg)

**The claim:** max_workers caps how many cells wait for their I/O at once.
**Measured** on $cells_sweep cells: one worker **$(calc "$gen_one") s** per
generation, ten **${speedup}x** faster (${speedup_lo}-${speedup_hi}x over
$nrounds rounds, $(calc "$vs_cap")x the ceil(cells / 10) x latency floor),
$most workers $(calc "$gen_most") s. Control: one worker spent $per_cell_ms ms
per cell for a $io_ms ms wait. **Verdict: $cap_v.**
$py_note

![Item 59, generation time against cells](59_cells.svg)

| grid | max_workers | per generation (s) | min | max | rounds |
|---|---:|---:|---:|---:|---:|
$(awk -F, -v c="$cells_sweep" 'NR > 1 && $1 == "thread_pool" { printf "| %s cells | %s | %.4f | %.4f | %.4f | %s |\n", c, $2, $3, $4, $5, $6 }' "$RUN/59_workers_chart.csv")
$(awk -F, 'NR > 1 { printf "| %s cells | 10 | %.4f | %.4f | %.4f | %s |\n", $2, $3, $4, $5, $6 }' "$RUN/59_cells_chart.csv")

![Item 59, cost of one task](59_overhead.svg)

**What one task costs** (empty tasks on 2 workers; \`batch\`: submit
$tasks, then wait for every result; \`one\`: submit one, wait for it, a fiftieth as
many), the executor beside GLib's GThreadPool in the same run, back to back in
every round, taking turns to go first; median over $rounds rounds, in microseconds:

| mode | placement | executor (us) | GThreadPool (us) | executor / GThreadPool |
|---|---|---:|---:|---:|
| batch | unpinned | $(us executor batch 0) | $(us gthreadpool batch 0) | $(calc "$rb0")x |
| one at a time | unpinned | $(us executor one 0) | $(us gthreadpool one 0) | $(calc "$ro0")x |
| batch | pinned to CPU 0 | $(us executor batch 1) | $(us gthreadpool batch 1) | $(calc "$rb1")x |
| one at a time | pinned to CPU 0 | $(us executor one 1) | $(us gthreadpool one 1) | $(calc "$ro1")x |

The goal was no more than GThreadPool's cost per task (within 10%). The
verdict rests on the two pinned rows: pinned to one CPU, where each thread
runs is fixed and the pools' own code is what is measured. Unpinned, the
scheduler places the threads, and that placement moves a task's cost more
than either pool's code does: on the development VM the unpinned batch row
came out 1.32x on a quiet machine and 0.41x beside a CPU hog, which keeps one
core busy and so puts pool and caller together. A neighbour sets that row, so
it is shown and not judged. Both pools run back to back in every round, so a
neighbour that slows a whole round slows both and leaves its ratio alone;
what a neighbour can do is hit one pool and not the other, pushing that
round's ratio across the ${limit}x line. So a pinned row counts only when at
least three quarters of its rounds fall on the same side of the line; pinned
rows whose rounds disagree make the verdict inconclusive, unless the other
pinned row is already decided against the claim.
This run: $(awk -F, '{ printf "%s%s %s %d of %d rounds at or below %sx", sep, ($1 == "one" ? "one at a time" : $1), ($2 == 1 ? "pinned" : "unpinned"), $4, $3, lim; sep = ", " }' lim="$limit" "$RUN/59_overhead_rows.csv").
**Verdict: $overhead_v.** A round trip costs two thread wake-ups;
where they land (the same CPU or the other one) moves it more than either
pool's own code does.

Raw data: [59_workers.csv](59_workers.csv), [59_cells.csv](59_cells.csv), [59_overhead.csv](59_overhead.csv)$([ -s "$RUN/59_python.csv" ] && echo ", [59_python.csv](59_python.csv)").
EOT
} >"$RUN/59.md"
