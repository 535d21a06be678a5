#!/bin/sh
# plot/62.sh - Item 62's charts: how long a line takes from its write to the
# merged output in each step (and without run_in_executor), and what each
# hand-off between a reader and the output costs, C beside CPython.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/62.figures"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# summarized IN KEYS COLUMN GROUP: the first of KEYS, GROUP, and COLUMN's
# median, lo and hi over the rounds: rows of a points chart.
summarized() {
    summarize "$1" "$tmp/sum.csv" "$2" "$3"
    mlr --icsv --ocsv --headerless-csv-output put '$group = "'"$4"'"' \
        then cut -o -f "${2%%,*},group,median,lo,hi" "$tmp/sum.csv"
}
# coded WORDS: stdin with each of WORDS (first column) as c1, c2, ...: short
# category names, since gnuplot 5.4.4's sprintf garbles points.gp's awk
# command once a long category list makes it long.
coded() {
    script="" i=0
    for w in $1; do i=$((i + 1)); script="$script s/^$w,/c$i,/;"; done
    sed "$script"
}
codes() { i=0; for w in $1; do i=$((i + 1)); printf 'c%d ' "$i"; done; }

steps="threads tail_in_executor readline_in_executor native bottomup inline"
labels="threads tail_in_executor readline_in_executor native bottomup inline_(no_executor)"
mlr --icsv --ocsv put '$excess_ms = $age_p99_ms - $stall_ms' "$RUN/62_steps.csv" >"$tmp/steps.csv"
{
    echo "category,group,median,lo,hi"
    summarized "$tmp/steps.csv" step age_p50_ms p50 | coded "$steps"
    summarized "$tmp/steps.csv" step excess_ms p99 | coded "$steps"
} >"$tmp/age.csv"
plot_points "$tmp/age.csv" "$RUN/62_age" catcol=category cats="$(codes "$steps")" \
    catlabels="$labels" groupcol=group groups="p50 p99" labels="median_line slowest_line_(p99,_less_the_canary_delay)" \
    ycol=median lowcol=lo highcol=hi hline="$bound" \
    hlinetitle="the rule: slowest line of the threads + one poll ($poll ms)" \
    title="Item 62: from the write of a line to the merged output, each step of the move" \
    ylabel="age of a line when merged (ms; median and range over $rounds rounds)"

# Hand-offs in the flood, per step, unpinned and pinned; CPython's beside.
roles="run_in_executor run_coroutine_threadsafe call_soon_threadsafe"
movers="threads tail_in_executor readline_in_executor native bottomup"
cats="$movers" catlabels="threads tail/exec. readline/exec. native bottomup"
{
    echo "category,group,median,lo,hi"
    for pin in 0 1; do
        where=unpinned
        [ $pin = 1 ] && where=pinned
        select_rows "$RUN/62_flood.csv" pinned=$pin >"$tmp/sel.csv"
        for col in p50 p99; do
            summarized "$tmp/sel.csv" step "handoff_${col}_us" "${col}_$where" | coded "$movers"
        done
        if [ -s "$RUN/62_python.csv" ]; then
            default=$(mlr --icsv --onidx head -n 1 then cut -f python "$RUN/62_python.csv")
            select_rows "$RUN/62_python.csv" python="$default" pinned=$pin >"$tmp/sel.csv"
            for col in p50 p99; do
                summarized "$tmp/sel.csv" role "${col}_us" "${col}_$where" | coded "$movers $roles"
            done
        fi
    done
} >"$tmp/handoff.csv"
if [ -s "$RUN/62_python.csv" ]; then
    cats="$movers $roles"
    catlabels="$catlabels Py:executor Py:run_coro. Py:call_soon"
fi
flood=$(csv_value "$RUN/62_flood.csv" lines_per_file)
plot_points "$tmp/handoff.csv" "$RUN/62_handoff" catcol=category cats="$(codes "$cats")" \
    catlabels="$catlabels" groupcol=group groups="p50_unpinned p50_pinned p99_unpinned p99_pinned" \
    labels="p50_unpinned p50_pinned_(one_CPU) p99_unpinned p99_pinned_(one_CPU)" \
    ycol=median lowcol=lo highcol=hi logy=10 \
    title="Item 62: hand-off from a reader having a line to the output ($flood lines a file)" \
    ylabel="hand-off (us, log scale; median and range over rounds)"
