#!/bin/sh
# Item 55, plot: the charts of the item's section, from measure/55.sh's CSVs.
#   55_cpu         CPU time per variant in the book's setting, C and CPython
#   55_cpu_starved the workers' CPU behind a slow download
#   55_polls       passes round the worker loops (the book's polls), and
#                  those that found nothing
# (points on log axes: the values span decades)
#   55_depth       peak depth in front of the slow stage at each item count
#   55_rss         resident memory at each item count
#   55_throughput  items/s through one queue, queue.h and GAsyncQueue
set -eu
. "$HARNESS/lib.sh"

pipe=$RUN/55_pipeline.csv expl=$RUN/55_explosion.csv thr=$RUN/55_throughput.csv
py_csv=$RUN/55_python.csv
long=$(mktemp)
py=""
[ -s "$py_csv" ] && py=$(csv_value "$py_csv" python)

# long SETTING COLUMNS: the pipeline rows of one setting in long format,
# cat (the variant), round, group (the column), value; COLUMNS are Miller
# assignments naming the groups.
long() {
    mlr --icsv --ocsv filter "\$setting == \"$1\"" then put "\$cat = \$variant; $2" \
        then cut -o -f "cat,round,$3" then reshape -i "$3" -o group,value "$pipe"
}
# python_rows GROUP EXPRESSION: the default CPython's rows, same format.
python_rows() {
    [ -n "$py" ] || return 0
    mlr --icsv --ocsv --headerless-csv-output filter "\$python == \"$py\"" \
        then put "\$cat = \$variant; \$group = \"$1\"; \$value = $2" \
        then cut -o -f cat,round,group,value "$py_csv"
}
book_cats="polling polling_main_naps blocking"
book_labels="polling,_as_the_book main_naps_too blocking"

# CPU in the book's setting: the whole process, main, the workers; CPython beside.
{ long book '$process = 1000 * $cpu_s; $main = 1000 * $main_cpu_s; $workers = 1000 * $workers_cpu_s' \
      process,main,workers
  python_rows cpython '1000 * $cpu_s'; } >"$long"
groups="process main workers" labels="C:_whole_process C:_main_thread C:_the_three_workers"
[ -n "$py" ] && groups="$groups cpython" labels="$labels CPython_${py}:_whole_process"
summarize "$long" "$RUN/55_cpu_chart.csv" cat,group value
plot_points "$RUN/55_cpu_chart.csv" "$RUN/55_cpu" \
    title="Item 55: CPU time to move 1000 items, stages that take no time (median, min-max)" \
    ylabel="CPU time (ms, log scale)" catcol=cat cats="$book_cats" catlabels="$book_labels" \
    groupcol=group groups="$groups" labels="$labels" ycol=median lowcol=lo highcol=hi logy=10

# CPU behind a slow download: the workers that spin, nap or block.
long slow_download '$workers = 1000 * $workers_cpu_s; $process = 1000 * $cpu_s' workers,process >"$long"
summarize "$long" "$RUN/55_cpu_starved_chart.csv" cat,group value
dl=$(csv_value "$pipe" download_ms setting=slow_download)
plot_points "$RUN/55_cpu_starved_chart.csv" "$RUN/55_cpu_starved" \
    title="Item 55: CPU time of workers waiting for a slow download ($dl ms an item)" \
    ylabel="CPU time (ms, log scale)" catcol=cat cats="spinning polling blocking" \
    catlabels="polling,_no_nap:_a_spin polling,_a_10_ms_nap blocking" \
    groupcol=group groups="workers process" labels="the_three_workers the_whole_process" \
    ycol=median lowcol=lo highcol=hi logy=10

# Polls in the book's setting: every pass round the worker loops (the
# book's count) and the passes that found nothing. A blocking worker's
# empty count is 0, which a log axis cannot show: the title says so.
{ long book '$every = $polls; $empty = $empty_polls' every,empty
  python_rows cpython_every '$polls'
  python_rows cpython_empty '$empty_polls'; } | mlr --icsv --ocsv filter '$value > 0' >"$long"
groups="every empty" labels="C:_every_pass,_the_book_counts_each C:_the_passes_that_found_nothing"
[ -n "$py" ] && groups="$groups cpython_every cpython_empty" labels="$labels CPython_${py}:_every_pass CPython_${py}:_found_nothing"
summarize "$long" "$RUN/55_polls_chart.csv" cat,group value
plot_points "$RUN/55_polls_chart.csv" "$RUN/55_polls" \
    title="Item 55: polls for 1000 items (blocking: no pass ever found nothing; 0 is not drawn)" \
    ylabel="passes round the worker loops (log scale)" catcol=cat cats="$book_cats" \
    catlabels="$book_labels" groupcol=group groups="$groups" labels="$labels" \
    ycol=median lowcol=lo highcol=hi logy=10
rm -f "$long"

# Depth and memory at each item count: a point per capacity, beside the
# point where every item (every payload) would be waiting at once.
sizes=$(mlr --icsv --onidx sort -nf items then count-distinct -f items then cut -f items "$expl" | tr '\n' ' ')
sizelabels=$(for n in $sizes; do printf '%s_items ' "$n"; done)
caps=$(mlr --icsv --onidx sort -nf capacity then count-distinct -f capacity then cut -f capacity "$expl" | tr '\n' ' ')
caplabels=$(for c in $caps; do [ "$c" = 0 ] && printf 'unbounded ' || printf 'capacity_%s ' "$c"; done)
kib=$(csv_value "$expl" item_kib)
{ mlr --icsv --ocsv put '$group = "c" . $capacity; $depth = $peak_depth; $mib = $rss_growth_kib / 1024' \
      then cut -o -f items,group,depth,mib "$expl"
  mlr --icsv --ocsv --headerless-csv-output filter '$capacity == 0' \
      then put '$group = "all"; $depth = $items; $mib = $items * $item_kib / 1024' \
      then cut -o -f items,group,depth,mib "$expl"; } >"$RUN/55_explosion_chart.csv"
groups=$(for c in $caps; do printf 'c%s ' "$c"; done)
plot_points "$RUN/55_explosion_chart.csv" "$RUN/55_depth" \
    title="Item 55: most items waiting at once in front of a slow resize (1 ms an item)" \
    ylabel="items waiting at the peak (log scale)" catcol=items cats="$sizes" \
    catlabels="$sizelabels" groupcol=group groups="${groups}all" \
    labels="${caplabels}every_item_at_once" ycol=depth logy=10
plot_points "$RUN/55_explosion_chart.csv" "$RUN/55_rss" \
    title="Item 55: resident memory growth, each item carrying $kib KiB" \
    ylabel="peak RSS over the start (MiB, log scale)" catcol=items cats="$sizes" \
    catlabels="$sizelabels" groupcol=group groups="${groups}all" \
    labels="${caplabels}every_payload_at_once" ycol=mib logy=10

# Throughput: a point per queue, per shape and placement, on a log axis.
mlr --icsv --ocsv put '$cat = $producers . "_" . $pinned; $mps = $rate_per_s / 1e6' \
    "$thr" >"$RUN/55_throughput_long.csv"
summarize "$RUN/55_throughput_long.csv" "$RUN/55_throughput_chart.csv" cat,variant mps
rm -f "$RUN/55_throughput_long.csv"
plot_points "$RUN/55_throughput_chart.csv" "$RUN/55_throughput" \
    title="Item 55: pointers a second through one unbounded queue (median, min-max)" \
    ylabel="million items/s (log scale)" catcol=cat cats="1_0 4_0 1_1 4_1" \
    catlabels="1P/1C_unpinned 4P/4C_unpinned 1P/1C_on_one_CPU 4P/4C_on_one_CPU" \
    groupcol=variant groups="queue_h gasyncqueue" labels="queue.h GLib_GAsyncQueue" \
    ycol=median lowcol=lo highcol=hi logy=10 hline=7 hlinetitle="goal: 7 M/s (1P/1C on one CPU)"
