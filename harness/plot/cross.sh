#!/bin/sh
# plot/cross.sh - the chapter's headline chart, across items 56-60: time per
# generation and resident memory against cells, one line per approach
# (serial, a thread per cell, queue workers, a pool, coroutines, and
# CPython's asyncio Tasks and threads), every cell waiting the same I/O.
#
# Reads $RUN/NN_cells.csv for NN in 56..60, whichever exist (the one path by
# which items share data; each item's measure stage writes its own), with
# the columns
#     approach,cells,latency_ms,round,gen_s,rss_kib,note
# A measured row has gen_s (rss_kib may be empty); a size an approach
# skipped has one row with round 0, empty gen_s and rss_kib, and why in
# note. Writes $RUN/cross_time.{svg,png}, $RUN/cross_rss.{svg,png} and
# $RUN/cross.md, the report's section; with no file at all it draws nothing
# and cross.md says so.
set -eu
. "$HARNESS/lib.sh"
header="approach,cells,latency_ms,round,gen_s,rss_kib,note"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f "$RUN"/cross_*.svg "$RUN"/cross_*.png "$RUN/cross.md"

found="" missing="" unreadable=""
for nn in 56 57 58 59 60; do
    f=$RUN/${nn}_cells.csv
    if [ ! -s "$f" ]; then
        missing="$missing $nn"
    elif [ "$(head -n 1 "$f" | tr -d '\r')" != "$header" ]; then
        unreadable="$unreadable $nn"
    else
        found="$found $f"
    fi
done
say_items() { # say_items " 56 57": "items 56, 57" (or "item 56")
    set -- $1
    [ $# -gt 1 ] && printf 'items ' || printf 'item '
    echo "$*" | sed 's/ /, /g'
}
num() { awk -v x="$1" 'BEGIN { if (x >= 1000) printf "%.0f", x; else printf "%.3g", x }'; }

if [ -z "$found" ]; then
    progress "cross: no item wrote NN_cells.csv in this run; no cross-item chart"
    {
        echo "## Items 56-60 side by side"
        echo
        echo "No cross-item chart in this run: none of items 56-60 left its"
        echo "\`NN_cells.csv\`${unreadable:+ in the expected columns ($(say_items "$unreadable") wrote one that does not match)}."
    } >"$RUN/cross.md"
    exit 0
fi

# shellcheck disable=SC2086 # the file list is meant to split
mlr --icsv --ocsv cat $found >"$tmp/all.csv"
mlr --icsv --ocsv filter 'is_present($gen_s) && $gen_s != ""' "$tmp/all.csv" >"$tmp/measured.csv"
mlr --icsv --ocsv filter 'is_present($gen_s) && $gen_s != ""' then filter '$rss_kib != ""' \
    then put '$rss_mib = $rss_kib / 1024' "$tmp/all.csv" >"$tmp/rss_rows.csv"
mlr --icsv --ocsv filter '$gen_s == ""' then cut -o -f approach,cells,note "$tmp/all.csv" >"$tmp/skipped.csv"

# Approaches in the chapter's order, then any other name found.
known="serial thread_per_cell queue_workers pool coroutines asyncio_tasks python_threads"
present=$(mlr --icsv --onidx cut -f approach then uniq -a "$tmp/all.csv")
approaches="" labels=""
label_for() {
    case $1 in
        serial) echo "serial_(56)" ;;
        thread_per_cell) echo "a_thread_per_cell_(57)" ;;
        queue_workers) echo "queue_workers_(58)" ;;
        pool) echo "a_thread_pool_(59)" ;;
        coroutines) echo "coroutines_(60)" ;;
        asyncio_tasks) echo "CPython:_asyncio_Tasks" ;;
        python_threads) echo "CPython:_a_thread_per_cell" ;;
        *) echo "$1" ;;
    esac
}
color_for() { # one colour per approach, in every chart; the coroutines boldest
    case $1 in
        serial) echo "#7f7f7f 2" ;; thread_per_cell) echo "#1b9e77 2" ;;
        queue_workers) echo "#66a61e 2" ;; pool) echo "#e6ab02 2" ;;
        coroutines) echo "#d62728 3" ;; asyncio_tasks) echo "#1f77b4 2" ;;
        python_threads) echo "#9467bd 2" ;; *) echo "#000000 1" ;;
    esac
}
colors="" widths=""
for a in $known $(echo "$present" | tr '\n' ' '); do
    case " $approaches " in *" $a "*) continue ;; esac
    echo "$present" | grep -qx "$a" || continue
    set -- $(color_for "$a")
    approaches="$approaches $a" labels="$labels $(label_for "$a")" colors="$colors $1" widths="$widths $2"
done
approaches=${approaches# } labels=${labels# } colors=${colors# } widths=${widths# }

latencies=$(mlr --icsv --onidx cut -f latency_ms then uniq -a "$tmp/all.csv" | tr '\n' ' ')
latency_ms=$(echo "$latencies" | cut -d' ' -f1)
ideal_s=$(calc "$latency_ms / 1000")

if [ "$(count_rows "$tmp/measured.csv")" -eq 0 ]; then
    progress "cross: the cells files hold no measured size; no cross-item chart"
    {
        echo "## Items 56-60 side by side"
        echo
        echo "No cross-item chart in this run: the items' \`NN_cells.csv\` hold no measured size."
        mlr --icsv --onidx --ofs tab cat "$tmp/skipped.csv" | while IFS='	' read -r a c why; do
            echo "- $a, $c cells: $why"
        done
    } >"$RUN/cross.md"
    exit 0
fi
summarize "$tmp/measured.csv" "$tmp/time.csv" approach,cells gen_s
bottom=$(mlr --icsv --onidx stats1 -a min -f lo "$tmp/time.csv")
bottom=$(calc "$bottom < $ideal_s ? $bottom : $ideal_s")
skip_arg="" skipidx="" i=0
for a in $approaches; do
    i=$((i + 1))
    [ "$(count_rows "$tmp/skipped.csv" approach="$a")" -gt 0 ] && skipidx="$skipidx $i"
done
[ -n "$skipidx" ] && skip_arg="skipped=$tmp/skipped.csv"
plot_with cross "$tmp/time.csv" "$RUN/cross_time" \
    title="Items 56-60: one generation of the Game of Life, every cell waiting ${latency_ms} ms of I/O" \
    xlabel="cells" ylabel="seconds per generation (log scale)" \
    approaches="$approaches" labels="$labels" colors="$colors" widths="$widths" ideal="$ideal_s" \
    idealtitle="one latency: every cell waiting at once" ymin="$(calc "$bottom / 2")" \
    ${skip_arg:+"$skip_arg"} skipidx="${skipidx# }"
if [ "$(count_rows "$tmp/rss_rows.csv")" -gt 0 ]; then
    summarize "$tmp/rss_rows.csv" "$tmp/rss.csv" approach,cells rss_mib
    rbottom=$(mlr --icsv --onidx stats1 -a min -f lo "$tmp/rss.csv")
    plot_with cross "$tmp/rss.csv" "$RUN/cross_rss" \
        title="Items 56-60: resident memory during one generation" \
        xlabel="cells" ylabel="resident memory of the process (MiB, log scale)" \
        approaches="$approaches" labels="$labels" colors="$colors" widths="$widths" \
        ymin="$(calc "$rbottom / 2")" \
        ${skip_arg:+"$skip_arg"} skipidx="${skipidx# }"
fi
progress "cross: charts of $(echo "$approaches" | wc -w) approaches, from $(say_items "$(echo "$found" | sed 's#[^ ]*/\([0-9][0-9]\)_cells.csv#\1#g')")"

# ---- The report's section.
{
    echo "## Items 56-60 side by side: one generation against cells"
    echo
    echo "The Game of Life of item 56, every cell waiting ${latency_ms} ms of I/O per"
    echo "generation, run by each item's approach on grids from 45 cells up. Each"
    echo "point is the median of its rounds (error bars: smallest to largest); the"
    echo "dashed line is one latency, what a generation takes when every cell"
    echo "waits at once. A size an approach would have taken too long for is not"
    echo "run: an x at the foot of the chart, in the approach's colour, and listed"
    echo "below with the reason its item gave."
    echo
    echo "![Items 56-60: seconds per generation against cells](cross_time.svg)"
    echo
    [ -s "$RUN/cross_rss.svg" ] && echo "![Items 56-60: resident memory against cells](cross_rss.svg)" && echo
    [ "$(echo "$latencies" | wc -w)" -gt 1 ] &&
        echo "Beware: the items used different latencies ($latencies ms); the line is at ${latency_ms} ms." && echo
    echo "| approach | sizes measured (cells) | largest: s per generation | latencies | resident MiB |"
    echo "|---|---|---:|---:|---:|"
    for a in $approaches; do
        sizes=$(mlr --icsv --onidx filter "\$approach == \"$a\"" then cut -f cells then uniq -a \
            then sort -nf cells "$tmp/time.csv" | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
        big=$(mlr --icsv --onidx filter "\$approach == \"$a\"" then stats1 -a max -f cells "$tmp/time.csv")
        [ -n "$big" ] || { echo "| $(label_for "$a" | tr _ ' ') | none | | | |"; continue; }
        t=$(csv_value "$tmp/time.csv" median approach="$a" cells="$big")
        m=$(median "$tmp/rss_rows.csv" rss_mib approach="$a" cells="$big")
        echo "| $(label_for "$a" | tr _ ' ') | $sizes | $(num "$t") | $(num "$(calc "$t / $ideal_s")") | $([ "$m" = nan ] && echo "" || num "$m") |"
    done
    echo
    if [ "$(count_rows "$tmp/skipped.csv")" -gt 0 ]; then
        echo "Sizes not run:"
        echo
        mlr --icsv --onidx --ofs tab cat "$tmp/skipped.csv" | while IFS='	' read -r a c why; do
            echo "- $(label_for "$a" | tr _ ' '), $c cells: $why"
        done
        echo
    else
        echo "Every approach ran every size it was given."
        echo
    fi
    [ -n "$missing" ] && echo "Not in this run (no \`NN_cells.csv\`): $(say_items "$missing")." && echo
    [ -n "$unreadable" ] && echo "Left out: $(say_items "$unreadable") wrote \`NN_cells.csv\` in other columns than \`$header\`." && echo
    echo "Raw data: $(for f in $found; do n=$(basename "$f"); printf '[%s](%s) ' "$n" "$n"; done)"
} >"$RUN/cross.md"
