#!/bin/sh
# plot/61.sh - Item 61's charts: memory per connection, games per second and
# the p99 of a NUMBER against the clients, every server; and the port, line
# by line. Medians over rounds, the smallest and largest round as error bars.
set -eu
. "$HARNESS/lib.sh"
load="$RUN/61_load.csv"
# Short legend texts (asyncio and py_threads are CPython's), so that the legend
# fits on one row under the x label; the
# callbacks dashed, as they often run on top of the coroutines.
groups="" labels="" dashes=""
for s in threads coroutines callbacks asyncio pythreads; do
    [ "$(count_rows "$load" server="$s")" -gt 0 ] || continue
    groups="$groups $s"
    case $s in
        threads) labels="$labels threads" dashes="$dashes 1" ;;
        coroutines) labels="$labels coroutines" dashes="$dashes 1" ;;
        callbacks) labels="$labels callbacks" dashes="$dashes 2" ;;
        asyncio) labels="$labels asyncio" dashes="$dashes 1" ;;
        pythreads) labels="$labels py_threads" dashes="$dashes 1" ;;
    esac
done
groups=${groups# } labels=${labels# } dashes=${dashes# }
# chart COLUMN DIVISOR OUT TITLE YLABEL [logy=10|ymin=0]: the median of
# COLUMN / DIVISOR per server against N, the rounds' range as error bars.
chart() {
    summarize "$load" "$RUN/$3_chart.csv.tmp" server,clients "$1"
    mlr --icsv --ocsv put "\$median = \$median / $2; \$lo = \$lo / $2; \$hi = \$hi / $2" \
        then sort -f server -n clients "$RUN/$3_chart.csv.tmp" >"$RUN/$3_chart.csv"
    rm -f "$RUN/$3_chart.csv.tmp"
    plot_lines "$RUN/$3_chart.csv" "$RUN/$3" title="Item 61: $4" ylabel="$5" "$6" \
        xlabel="clients connected at once (log scale)" xcol=clients ycol=median lowcol=lo \
        highcol=hi groupcol=server groups="$groups" labels="$labels" dashes="$dashes" logx=10
}
chart rss_per_conn_kib 1 61_memory "server memory per connection, N clients connected" \
    "resident memory per connection (KiB, log scale)" logy=10
chart sessions_per_s 1 61_throughput "games played per second, N clients at once on loopback" \
    "games (sessions) per second" ymin=0
chart p99_us 1000 61_p99 "99th percentile of a NUMBER round trip, every client asking at once" \
    "p99 latency of a request (ms, log scale)" logy=10
# The port: the original handler's lines, by what became of them.
mlr --icsv --ocsv cut -o -f port,handler_kept,handler_awaited,handler_otherwise \
    then rename handler_kept,unchanged,handler_awaited,awaited,handler_otherwise,otherwise \
    then reshape -i unchanged,awaited,otherwise -o kind,lines "$RUN/61_port.csv" >"$RUN/61_port_chart.csv"
ports=$(mlr --icsv --onidx cut -f port "$RUN/61_port.csv" | paste -sd' ' -)
port_labels=$(echo "$ports" | sed 's/coroutines/C_coroutines_(the_port)/; s/callbacks/C_libevent_callbacks/; s/cpython_asyncio/CPython_asyncio/')
plot_bars "$RUN/61_port_chart.csv" "$RUN/61_port" \
    title="Item 61: the thread server connection handler, line by line, in each port" \
    ylabel="lines of the original handler" catcol=port cats="$ports" catlabels="$port_labels" \
    groupcol=kind groups="unchanged awaited otherwise" ycol=lines \
    labels="kept_unchanged changed_only_by_an_await changed_otherwise_or_gone"
