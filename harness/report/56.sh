#!/bin/sh
# Item 56, report: the item's section of the report page, on stdout, from
# 56.figures, 56.verdicts and the CSVs of this run.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/56.figures"
root=../../..

verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/56.verdicts"; }
# "1.09x (1.08-1.1x, 3 rounds)", or "1.09x (1 round)".
x3() { awk "BEGIN { printf \"%#.3g\", $1 }"; }
with_range() {
    if [ "$4" = 1 ]; then echo "$(x3 "$1")x (1 round)"
    else echo "$(x3 "$1")x ($(x3 "$2")-$(x3 "$3")x, $4 rounds)"; fi
}
# One table row per point of the rule: the book's grid first, then the sweep.
point_rows() {
    mlr --icsv --onidx --ofs ' ' sort -f source -nf cells then \
        put '$pred = $cells * $latency_ms / 1000' \
        then cut -o -f source,variant,cells,latency_ms,pred,median,lo,hi,n "$RUN/56_point_summary.csv" |
        while read -r source variant cells lat pred med lo hi n; do
            t=$(median "$RUN/56_points.csv" gen_s source="$source" variant="$variant" cells="$cells")
            printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$source" "$variant" \
                "$cells" "$lat" "$(calc "$pred")" "$(calc "$t")" "$(with_range "$med" "$lo" "$hi" "$n")"
        done
}

cat <<EOT
## Item 56: know when concurrency is necessary ([items/56_game_of_life]($root/items/56_game_of_life/README.md))

Conway's Game of Life on a torus (\`items/56_game_of_life/life.c\`, the piece
items 57-60 reuse), run serially, every cell's \`game_logic\` blocking in a
real sleep, as the book's cells wait for I/O. Every timed generation is
checked against the same generation computed with no I/O.

**The book's claim** (\`56.serial\`): the serial time per generation grows as
cells x latency. The book's own figures: its 5 x 9 grid at 100 ms per cell
takes about 4.5 s a generation, and 10,000 cells would take over 15 minutes.

**The setting judged.** The book's grid at the book's latency, one generation
($([ "$book_ms" = 100 ] && echo "100 ms per cell" || echo "${book_ms} ms per cell in this QUICK run, 100 ms in a full one")): the
book's own number, and a setting where a busy machine cannot move the ratio
(a late wake-up of a millisecond is 1% of a 100 ms wait). Beside it, the
growth: one generation of grids from 45 cells up to $largest at 1 ms per cell
(the chapter's common sweep, \`56_cells.csv\`); larger grids would take over
5 s a generation (10,000 cells: 10 s) and are left out, each with its reason
in the CSV. Each ratio below is measured / (cells x latency); the rule asks
every one to lie in [0.9, 1.3] (the [rule]($root/harness/judge/56.sh)).

**Measured.** The book's grid took **$(calc "$book_s") s** at ${book_ms} ms
per cell (**$(x3 "$book_ratio")x** the prediction); with the waits
overlapped it took $(calc "$book_overlapped_s") s. A lone ${lone_ms} ms call
woke $late_ms ms late (median of 20): that lateness, paid once per cell, is
why the 1 ms sweep sits a little above 1. A busy machine adds more: a woken
cell then waits in the run queue for a CPU. The bench reads that wait for
every run (\`runq_s\`, Linux's schedstat), and a ratio above 1.3 that it
explains counts as the machine's (inconclusive), not the claim's. At this run's ratio the book's
10,000 cells at 100 ms would take about $(printf '%.0f' "$ten_thousand_s") s per generation.
**Verdict: $serial_verdict.**

| run | waits | cells | latency (ms) | cells x latency (s) | measured per generation (s) | measured / predicted |
|---|---|---:|---:|---:|---:|---:|
$(point_rows)

![Item 56, time per generation against cells](56_cells.svg)

**The negative control** (\`56.serial.neg\`): the same rule on the same grids
with the cells' waits overlapped: every cell's request is sent before any
reply is awaited, so a generation takes about one latency whatever the size.
That is what fan-out and fan-in buy; here it is modelled without threads
(items 57-60 do it with threads, queues, a pool and coroutines). The rule
must fail there: **$(verdict_of 56.serial.neg)**.

EOT

if [ -f "$RUN/56_python.csv" ]; then
    summarize "$RUN/56_python.csv" "$RUN/56_python_summary.csv" python,cells,io_ms ratio
    cat <<EOT
**CPython**, \`harness/python/56_life.py\` (the same serial loop, \`time.sleep\`
in \`game_logic\`), the book's grid at 1 ms per cell, on every interpreter
found. \`time.sleep\` waits in \`select()\` up to 3.10 and in
\`clock_nanosleep()\` from 3.11 (bpo-21302); either way the waits add up
one after another:

| CPython | cells | latency (ms) | measured / (cells x latency) |
|---|---:|---:|---:|
$(mlr --icsv --onidx --ofs ' ' sort -t python "$RUN/56_python_summary.csv" |
        while read -r py cells lat med lo hi n; do
            printf '| %s | %s | %s | %s |\n' "$py" "$cells" "$lat" "$(with_range "$med" "$lo" "$hi" "$n")"
        done)

EOT
else
    echo "No CPython was found on this machine; only the C program ran."
    echo
fi

cat <<EOT
Raw data: [56_book.csv](56_book.csv) (the book's grid; \`one_call\`: lone calls),
[56_cells.csv](56_cells.csv) (the sweep, the chapter's cross-item columns),
[56_overlapped.csv](56_overlapped.csv)$([ -f "$RUN/56_python.csv" ] && echo ", [56_python.csv](56_python.csv)").
EOT
