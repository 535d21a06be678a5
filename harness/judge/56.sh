#!/bin/sh
# Item 56, judge: the book's claim and its negative control, from the CSVs
# of measure/56.sh read by column name (Miller). Writes $RUN/56.verdicts and
# $RUN/56.figures; harness/claims/56.md says what each id means.
set -eu
. "$HARNESS/lib.sh"

# ---- Every timed generation in one shape: measured / (cells x latency).
# source (book, sweep), variant (serial, overlapped), cells, latency_ms,
# round, gen_s, runq_s, ratio, and cratio: the same ratio with the time the
# run sat in the run queue (ready, no CPU free: the machine's) taken out,
# empty where the system does not say. The overlapped sweep is kept to the
# sizes the serial sweep measured, so both are judged on the same grids.
points=$RUN/56_points.csv
largest=$(mlr --icsv --ojson filter '$gen_s != ""' then stats1 -a max -f cells "$RUN/56_sweep.csv" |
    sed -n 's/.*"cells_max": \([0-9]*\).*/\1/p')
ratios='$ratio = $gen_s / ($cells * $latency_ms / 1000);
    $cratio = $runq_s == "" ? "" : ($gen_s - $runq_s) / ($cells * $latency_ms / 1000)'
keep='source,variant,cells,latency_ms,round,gen_s,runq_s,ratio,cratio'
mlr --icsv --ocsv filter '$gen_s != ""' then put '$source = "sweep"; $variant = $approach' \
    then put "$ratios" then cut -o -f "$keep" "$RUN/56_sweep.csv" >"$points.a"
mlr --icsv --ocsv filter "\$gen_s != \"\" && \$cells <= ${largest:-0}" \
    then put '$source = "sweep"; $variant = $approach' then put "$ratios" \
    then cut -o -f "$keep" "$RUN/56_overlapped.csv" >"$points.b"
mlr --icsv --ocsv filter '$variant != "one_call"' then rename io_ms,latency_ms \
    then put '$source = "book"' then put "$ratios" then cut -o -f "$keep" "$RUN/56_book.csv" >"$points.c"
mlr --icsv --ocsv cat "$points.a" "$points.b" "$points.c" >"$points"
rm -f "$points.a" "$points.b" "$points.c"
summary=$RUN/56_point_summary.csv
summarize "$points" "$summary" source,variant,cells,latency_ms ratio

# The point of VARIANT with the lowest (asc) or highest (desc) median ratio,
# as one CSV row with its header; field ROW COLUMN reads it by name.
point() {
    order=-nf
    [ "$2" = desc ] && order=-nr
    mlr --icsv --ocsv filter "\$variant == \"$1\"" then sort $order median then head -n 1 "$summary"
}
field() { printf '%s\n' "$1" | mlr --icsv --ocsv --headerless-csv-output cut -f "$2"; }
# A ratio with three significant digits, trailing zeros kept: 1.00, 0.0222.
x3() { awk "BEGIN { printf \"%#.3g\", $1 }"; }

# How late this machine wakes a sleeper: the median lone 1 ms call, less 1 ms.
lone_ms=$(csv_value "$RUN/56_book.csv" io_ms variant=one_call)
lone_s=$(median "$RUN/56_book.csv" gen_s variant=one_call)
late_ms=$(calc "$lone_s * 1000 > $lone_ms ? $lone_s * 1000 - $lone_ms : 0")
figure late_ms "$late_ms"
figure lone_ms "$lone_ms"

# judge VARIANT: the rule below on every point of VARIANT; sets $verdict
# and $figure_text.
judge() {
    low=$(point "$1" asc) high=$(point "$1" desc)
    lo=$(field "$low" median) hi=$(field "$high" median)
    hi_cells=$(field "$high" cells) hi_lat=$(field "$high" latency_ms) hi_n=$(field "$high" n)
    hi_lo=$(field "$high" lo) hi_hi=$(field "$high" hi) hi_source=$(field "$high" source)
    # The worst point's ratio with its run-queue time taken out (nan: unknown).
    hi_c=$(median "$points" cratio source="$hi_source" variant="$1" cells="$hi_cells")
    runq=$(median "$points" runq_s source="$hi_source" variant="$1" cells="$hi_cells")
    explained="\"$hi_c\" == \"nan\" || $hi_c <= 1.3 + 2 * $late_ms / $hi_lat"
    unsteady="$hi_n >= 2 && $hi_hi > 1.3 * $hi_lo"
    why="$hi_cells cells at $hi_lat ms took $(x3 "$hi")x cells x latency"
    if [ "$hi_c" = nan ]; then why="$why, and this system does not say how long the run waited for a CPU"
    else why="$why, $(x3 "$hi_c")x without the $(calc "$runq") s it waited for a CPU (a lone $lone_ms ms call was late by $late_ms ms)"; fi
    holds "$unsteady" && why="$why; its rounds ranged $(x3 "$hi_lo")-$(x3 "$hi_hi")x"
    verdict=$(decide "$lo >= 0.9 && $hi <= 1.3" \
        "$lo < 0.9 || $hi <= 1.3 || !(($explained) || ($unsteady))" "$why")
    book=$(mlr --icsv --ocsv filter "\$variant == \"$1\" && \$source == \"book\"" "$summary")
    sweep=$(mlr --icsv --ocsv filter "\$variant == \"$1\" && \$source == \"sweep\"" \
        then stats1 -a min,max -f median "$summary")
    figure_text="time / (cells x latency): 45 cells at $(field "$book" latency_ms) ms $(x3 "$(field "$book" median)")x; 45 to $largest cells at 1 ms $(x3 "$(field "$sweep" median_min)")-$(x3 "$(field "$sweep" median_max)")x"
}

# rule 56.serial: every point's median ratio measured / (cells x latency)
# lies in [0.9, 1.3]: the book's 5 x 9 grid at the book's latency, and every
# grid of the 1 ms sweep (45 cells up to the largest the budget allows).
# A sleep is never shorter than asked, so under 0.9 the waits did not add up,
# whatever the machine did. Over 1.3 is the machine's (inconclusive) when,
# with the time the run sat in the run queue taken out, the ratio is back
# within 1.3 + 2 x lateness / latency (the lateness of lone 1 ms calls: the
# timer's own), or when that point's rounds disagree (max > 1.3 x min).
judge serial
book_claim 56.serial "$verdict" "$figure_text"
figure serial_verdict "$verdict"

# rule 56.serial.neg: the same rule on the same grids with the cells' waits
# overlapped (every request sent before any reply is awaited).
judge overlapped
negative_control 56.serial.neg "$verdict" "$figure_text"

# ---- Figures for the report's words.
book=$(mlr --icsv --ocsv filter '$variant == "serial" && $source == "book"' "$summary")
figure book_ms "$(field "$book" latency_ms)"
figure book_ratio "$(field "$book" median)"
figure book_s "$(median "$RUN/56_book.csv" gen_s variant=serial)"
figure book_overlapped_s "$(median "$RUN/56_book.csv" gen_s variant=overlapped)"
figure largest "$largest"
figure ten_thousand_s "$(calc "10000 * 0.1 * $(field "$book" median)")"
