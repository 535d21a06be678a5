#!/bin/sh
# plot/63.sh - Item 63's charts: the heartbeat's lag, alone, with a blocking
# call in the loop and with the call offloaded (C beside CPython); and how
# long starting a thread holds the loop, against one heartbeat period.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/63.figures"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# summarized IN KEYS COLUMN GROUP: the KEYS joined by "_" as the category,
# GROUP, and COLUMN's median, lo and hi over the rounds.
summarized() {
    summarize "$1" "$tmp/sum.csv" "$2" "$3"
    cat_expr=$(printf '%s' "$2" | sed 's/\([a-z_]*\)/$\1/g; s/,/ . "_" . /g')
    mlr --icsv --ocsv --headerless-csv-output put '$category = '"$cat_expr"'; $group = "'"$4"'"' \
        then cut -o -f category,group,median,lo,hi "$tmp/sum.csv"
}

{
    echo "category,group,median,lo,hi"
    for col in p50 max; do
        summarized "$RUN/63_lag.csv" variant,call "lag_${col}_ms" "$col"
        if [ -s "$RUN/63_python.csv" ]; then
            summarized "$RUN/63_python.csv" variant "lag_${col}_ms" "$col" | sed 's/^/py_/'
        fi
    done
} >"$tmp/lag.csv"
# short category names: gnuplot 5.4.4's sprintf garbles points.gp's awk
# command once a long category list makes it long
cats="baseline_none blocking_sleep offloaded_sleep blocking_fsync offloaded_fsync below_sleep"
labels="alone in:_sleep off:_sleep in:_fsync off:_fsync below"
if [ -s "$RUN/63_python.csv" ]; then
    cats="$cats py_blocking py_offloaded py_below"
    labels="$labels Py:_in Py:_off Py:_below"
fi
i=0 codes="" script=""
for c in $cats; do i=$((i + 1)); codes="$codes c$i"; script="$script s/^$c,/c$i,/;"; done
sed "$script" "$tmp/lag.csv" >"$tmp/lag_coded.csv"
plot_points "$tmp/lag_coded.csv" "$RUN/63_lag" catcol=category cats="${codes# }" catlabels="$labels" \
    groupcol=group groups="p50 max" labels="median_beat worst_beat" ycol=median lowcol=lo \
    highcol=hi logy=10 hline="$stalled" hlinetitle="stalled: 0.8 x (block - period) = $stalled ms" \
    title="Item 63: how late a $beat ms heartbeat came; a $block ms call in the loop or off it" \
    ylabel="heartbeat lag (ms, log scale; median and range over $rounds rounds)"

{
    echo "category,group,median,lo,hi"
    for col in p50 max; do
        summarize "$RUN/63_start.csv" "$tmp/sum.csv" how "held_${col}_us"
        mlr --icsv --ocsv --headerless-csv-output put '$group = "'$col'"' \
            then cut -o -f how,group,median,lo,hi "$tmp/sum.csv"
        if [ -s "$RUN/63_python_start.csv" ]; then
            default=$(mlr --icsv --onidx head -n 1 then cut -f python "$RUN/63_python_start.csv")
            select_rows "$RUN/63_python_start.csv" python="$default" >"$tmp/py.csv"
            summarize "$tmp/py.csv" "$tmp/sum.csv" how "held_${col}_us"
            mlr --icsv --ocsv --headerless-csv-output put '$how = "py_" . $how; $group = "'$col'"' \
                then cut -o -f how,group,median,lo,hi "$tmp/sum.csv"
        fi
    done
} >"$tmp/start.csv"
cats="on_loop executor" labels="C:_on_the_loop C:_executor"
if [ -s "$RUN/63_python_start.csv" ]; then
    cats="$cats py_on_loop py_executor_first py_executor_later"
    labels="$labels Py_${default}:_on_the_loop Py:_executor,_first Py:_executor,_later"
fi
i=0 codes="" script=""
for c in $cats; do i=$((i + 1)); codes="$codes c$i"; script="$script s/^$c,/c$i,/;"; done
sed "$script" "$tmp/start.csv" >"$tmp/start_coded.csv"
plot_points "$tmp/start_coded.csv" "$RUN/63_start" catcol=category cats="${codes# }" catlabels="$labels" \
    groupcol=group groups="p50 max" labels="median_start longest_start" ycol=median lowcol=lo \
    highcol=hi logy=10 hline="$((beat * 1000))" hlinetitle="one heartbeat period ($beat ms)" \
    title="Item 63: how long starting a thread held the loop" \
    ylabel="loop held (us, log scale; median and range over rounds)"
