#!/bin/sh
# Item 56: when concurrency is necessary. The Game of Life run serially with
# a blocking game_logic in every cell: one generation timed at several grid
# sizes, for two latencies, against the prediction cells x latency; and a
# lone game_logic call, to see how long this machine really sleeps.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/56_game_of_life"
if [ "$QUICK" = 1 ]; then
    rows=5,10,15 cols=9,15,30 lats="0.5 1" rounds=3 pyquick=--quick
else
    rows=5,10,15,25 cols=9,15,30,40 lats="0.5 2" rounds=5 pyquick=
fi

if measuring; then
    : >"$RUN/56_serial.csv"
    for lat in $lats; do
        progress "56: one serial generation of grids $rows x $cols cells, $lat ms per cell, $rounds rounds"
        "$prog" --csv --rows "$rows" --cols "$cols" --io-ms "$lat" --generations 1 \
            --rounds "$rounds" >"$RUN/56_one.csv"
        if [ -s "$RUN/56_serial.csv" ]; then
            tail -n +2 "$RUN/56_one.csv" >>"$RUN/56_serial.csv"
        else
            cat "$RUN/56_one.csv" >"$RUN/56_serial.csv"
        fi
    done
    rm -f "$RUN/56_one.csv"
    rm -f "$RUN/56_python.csv"
    if command -v python3 >/dev/null 2>&1; then
        # The larger latency, every grid but the largest: a few seconds.
        lat=${lats##* }
        progress "56: the same in CPython ($(python3 --version 2>&1)), $lat ms per cell"
        python3 "$HARNESS/python/56_life.py" $pyquick --rows "${rows%,*}" --cols "${cols%,*}" \
            --io-ms "$lat" >"$RUN/56_python.csv"
    fi
fi

# ---- Ratios, each taken within its own row: measured / (cells x latency).
# Columns of 56_serial.csv: variant,rows,cols,cells,io_ms,workers,generations,
# round,gen_s,peak_rss_kib,threads_peak.
awk -F, -v OFS=, 'NR == 1 { print "io_ms,cells,round,ratio,gen_s"; next }
    $1 == "serial" { print $5, $4, $8, $9 / ($4 * $5 / 1000), $9 }' \
    "$RUN/56_serial.csv" >"$RUN/56_ratio.csv"
awk -F, -v OFS=, 'NR == 1 { print "io_ms,round,ratio"; next }
    $1 == "one_call" { print $5, $8, $9 / ($5 / 1000) }' "$RUN/56_serial.csv" >"$RUN/56_lone.csv"
summarize "$RUN/56_ratio.csv" "$RUN/56_ratio_summary.csv" io_ms,cells ratio
summarize "$RUN/56_ratio.csv" "$RUN/56_time_summary.csv" io_ms,cells gen_s
summarize "$RUN/56_lone.csv" "$RUN/56_lone_summary.csv" io_ms ratio

lats_run=$(awk -F, 'NR > 1 { print $1 }' "$RUN/56_lone_summary.csv" | sort -gu | paste -sd' ' -)
largest=$(awk -F, 'NR > 1 && $2 > m { m = $2 } END { print m + 0 }' "$RUN/56_ratio_summary.csv")
smallest=$(awk -F, 'NR > 1 && (m == "" || $2 < m) { m = $2 } END { print m + 0 }' "$RUN/56_ratio_summary.csv")
min_r=$(awk -F, 'NR > 1 && (m == "" || $3 < m) { m = $3 } END { printf "%.3g", m }' "$RUN/56_ratio_summary.csv")
max_r=$(awk -F, 'NR > 1 && $3 > m { m = $3 } END { printf "%.3g", m }' "$RUN/56_ratio_summary.csv")
largest_max=$(awk -F, -v c="$largest" 'NR > 1 && $2 == c && $3 > m { m = $3 } END { printf "%.3g", m }' \
    "$RUN/56_ratio_summary.csv")
lone_max=$(awk -F, 'NR > 1 && $2 > m { m = $2; l = $1 } END { printf "%.3g", m }' "$RUN/56_lone_summary.csv")
lone_lat=$(awk -F, 'NR > 1 && $2 >= m { m = $2; l = $1 } END { print l }' "$RUN/56_lone_summary.csv")
lone_ms=$(calc "$lone_max * $lone_lat")

# ---- The verdict. A sleep is never shorter than asked, so a ratio under 0.9
# means the model is wrong, whatever the machine did. A busy machine can only
# make sleeps longer, so an excess over 1.5 is the machine's, and the run
# cannot decide, when a lone call already took over 1.5x its latency, or when
# the excess sits only at the smaller grids (one stall of a few ms weighs most
# on the shortest generations) or in rounds that disagree (largest over
# smallest round above 1.5). An excess at the largest grid, steady over the
# rounds, while a lone call sleeps as asked, is the claim failing.
unexplained=$(awk -F, -v c="$largest" 'NR > 1 && $3 > 1.5 && $2 == c && $5 <= 1.5 * $4 { n++ }
    END { print n + 0 }' "$RUN/56_ratio_summary.csv")
claim="$min_r >= 0.9 && $max_r <= 1.5"
control="$min_r < 0.9 || $max_r <= 1.5 || ($lone_max <= 1.5 && $unexplained > 0)"
if awk "BEGIN { exit !($lone_max > 1.5) }"; then
    why="a lone game_logic call of $lone_lat ms took $lone_ms ms, ${lone_max}x its latency"
else
    why="the excess, up to ${max_r}x, was at the smaller grids or in rounds that disagreed, while a lone call took ${lone_max}x its latency"
fi
serial_ok=$(decide "$claim" "$control" "$why")

per_lat=""
for lat in $lats_run; do
    s=$(awk -F, -v l="$lat" -v c="$largest" 'NR > 1 && $1 + 0 == l + 0 && $2 == c {
        printf "%.3gx (%.3g-%.3gx)", $3, $4, $5 }' "$RUN/56_ratio_summary.csv")
    per_lat="$per_lat${per_lat:+, }$s at $lat ms"
done
echo "| 56 | serial time per generation grows as cells x latency | $serial_ok: measured / (cells x latency) from ${min_r}x to ${max_r}x over grids of $smallest to $largest cells (medians; at $largest cells: $per_lat) |" \
    >"$RUN/56.verdicts"

# ---- Chart: measured time per generation and its prediction, per latency.
gnuplot -e "in='$RUN/56_time_summary.csv'; out='$RUN/56_gen_time'; lats='$lats_run'; \
    caption='$CAPTION'; title='Item 56: one serial generation, every cell blocking in game\\_logic'" \
    "$HARNESS/plots/56_gen_time.gp"

# The book's arithmetic, and this run's own ratio applied to it.
big_lat=${lats_run##* }
big_ratio=$(awk -F, -v l="$big_lat" -v c="$largest" 'NR > 1 && $1 + 0 == l + 0 && $2 == c { printf "%.3g", $3 }' \
    "$RUN/56_ratio_summary.csv")
book_45=$(calc "45 * 0.1")
book_10k=$(awk "BEGIN { printf \"%.0f\", 10000 * 0.1 }")
book_10k_min=$(calc "10000 * 0.1 / 60")

py_note="CPython was not available on this machine, so only the C program was run."
py_table=""
if [ -f "$RUN/56_python.csv" ]; then
    summarize "$RUN/56_python.csv" "$RUN/56_python_summary.csv" io_ms,cells ratio
    py_note="CPython ($(python3 --version 2>&1), \`harness/python/56_life.py\`: the same serial loop with \`time.sleep\` in game_logic), one generation per grid:"
    py_table=$(awk -F, 'NR > 1 { printf "| %s | %s | %.3g | %.3g (%.3g-%.3g) |\n", $1, $2, $2 * $1 / 1000, $3, $4, $5 }' \
        "$RUN/56_python_summary.csv")
fi

{
    cat <<EOT
## Item 56: know when concurrency is necessary ([items/56_game_of_life](../../items/56_game_of_life/README.md))

Conway's Game of Life on a torus (\`items/56_game_of_life/life.c\`, the piece
items 57-60 reuse), run serially, with every cell's \`game_logic\` blocking in
a real sleep for a set latency, as the book's cells wait for I/O. One
generation of each grid is timed, $(awk -F, 'NR > 1 { n = $5 } END { print n }' "$RUN/56_lone_summary.csv") rounds, the grid sizes and
latencies interleaved within each round; every run's grid is checked against
the same generation computed with no I/O.

![Item 56, time per generation vs cells](56_gen_time.svg)

**The book's claim:** serial time per generation grows as cells x latency
(100 ms per cell: the book's 45 cells take about $book_45 s a generation, and
10,000 cells $book_10k s, about $book_10k_min minutes).

**Measured:** the time per generation divided by cells x latency stayed between
**${min_r}x** and **${max_r}x** (medians over rounds) for grids of $smallest to
$largest cells; at $largest cells: $per_lat. A lone \`game_logic\` call
took at most **${lone_max}x** its latency: the part above 1 is how late this
machine wakes a sleeper, and it is paid once per cell. At this run's ratio
(${big_ratio}x at $big_lat ms), the book's 10,000 cells at 100 ms would take
about $(awk "BEGIN { printf \"%.0f\", 10000 * 0.1 * $big_ratio }") s per generation. **Verdict: $serial_ok.**

| latency (ms) | cells | cells x latency (s) | measured per generation (s) | measured / predicted |
|---:|---:|---:|---:|---:|
$(awk -F, 'FNR == 1 { file++; next }
    file == 1 { t[$1 "," $2] = sprintf("%.4g (%.4g-%.4g)", $3, $4, $5); next }
    { printf "| %s | %s | %.4g | %s | %.3g (%.3g-%.3g) |\n", $1, $2, $2 * $1 / 1000, t[$1 "," $2], $3, $4, $5 }' \
    "$RUN/56_time_summary.csv" "$RUN/56_ratio_summary.csv" | sort -t'|' -k2,2g -k3,3n)

A lone \`game_logic\` call, per latency (median over rounds of the median of 20 calls):
$(awk -F, 'NR > 1 { printf "%s ms: %.3gx (%.3g-%.3gx); ", $1, $2, $3, $4 }' "$RUN/56_lone_summary.csv" | sed 's/; $/./')

EOT
    echo "$py_note"
    if [ -n "$py_table" ]; then
        cat <<EOT

| latency (ms) | cells | cells x latency (s) | measured / predicted |
|---:|---:|---:|---:|
$py_table
EOT
    fi
    cat <<EOT

**Fan-out and fan-in.** To bring a generation near one latency whatever the
size, the cells' waits must overlap: *fan-out* starts one unit of concurrent
work per cell, and *fan-in* waits for all of them before the next generation
may begin. Items 57 (a thread per cell), 58 (worker threads and queues), 59
(a thread pool) and 60 (coroutines) are four answers, each checked against
this serial grid.

Raw data: [56_serial.csv](56_serial.csv) (variant \`one_call\`: a lone call;
\`serial\`: one generation)$([ -f "$RUN/56_python.csv" ] && echo ", [56_python.csv](56_python.csv)").
EOT
} >"$RUN/56.md"
