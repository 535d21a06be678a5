#!/bin/sh
# Item 64, charted: speedup against pool size for every executor (C and
# CPython), the process pool's speedup against pairs per message, and, where
# several CPython versions ran, the two executors version by version.
set -eu
. "$HARNESS/lib.sh"

cores=$(getconf _NPROCESSORS_ONLN)
py=$( [ -s "$RUN/64_python.csv" ] && mlr --icsv --onidx head -n 1 then cut -f python "$RUN/64_python.csv" || true)

# Speedup against workers: the C executors, and CPython's beside them.
long=$(mktemp)
trap 'rm -f "$long"' EXIT
mlr --icsv --ocsv filter '$executor != "serial" && $executor != "serial_locked"' \
    then put '$series = $executor' then cut -o -f series,workers,speedup "$RUN/64_scaling.csv" >"$long"
[ -n "$py" ] && mlr --icsv --ocsv --headerless-csv-output \
    filter "\$python == \"$py\" && \$executor != \"serial\"" \
    then put '$series = "cpython_" . $executor' then cut -o -f series,workers,speedup \
    "$RUN/64_python.csv" >>"$long"
summarize "$long" "$RUN/64_scaling_chart.csv" series,workers speedup
groups="threads_gil threads processes" labels="thread_pool_under_the_GIL thread_pool,_no_GIL process_pool"
if [ -n "$py" ]; then
    groups="$groups cpython_threads cpython_processes"
    labels="$labels CPython_${py}_ThreadPoolExecutor CPython_${py}_ProcessPoolExecutor"
fi
plot_lines "$RUN/64_scaling_chart.csv" "$RUN/64_scaling" \
    title="Item 64: greatest common divisors by counting down, speedup against the loop" \
    xlabel="workers in the pool" ylabel="speedup (loop time / pool time; median, bars: range)" \
    xcol=workers ycol=median lowcol=lo highcol=hi xtics=1 groupcol=series \
    groups="$groups" labels="$labels" dashes="1 1 1 2 2" ymin=0 \
    ideal="x<$cores?x:$cores" idealtitle="ideal: min(workers, $cores cores)" \
    hline=1 hlinetitle="as fast as the loop"

# Speedup against pairs per message: the process pool alone (the serial rows
# are the baseline, not a point), one line per size of number.
mlr --icsv --ocsv filter '$executor == "processes"' then put '$series = "c" . $size' \
    then cut -o -f series,batch,speedup "$RUN/64_shipping.csv" >"$long"
[ -s "$RUN/64_python_shipping.csv" ] &&
    mlr --icsv --ocsv --headerless-csv-output filter '$executor == "processes"' \
        then put '$series = "cpython"; $batch = $chunksize' \
        then cut -o -f series,batch,speedup "$RUN/64_python_shipping.csv" >>"$long"
summarize "$long" "$RUN/64_shipping_chart.csv" series,batch speedup
series="" series_labels=""
for size in $(mlr --icsv --onidx filter '$executor == "processes"' then cut -f size then uniq -a "$RUN/64_shipping.csv"); do
    series="$series c$size" series_labels="$series_labels C:_numbers_up_to_$size"
done
if [ -s "$RUN/64_python_shipping.csv" ]; then
    series="$series cpython" series_labels="$series_labels CPython_${py}:_numbers_up_to_1000_(chunksize)"
fi
plot_lines "$RUN/64_shipping_chart.csv" "$RUN/64_shipping" \
    title="Item 64: a process pool on $cores workers, pairs per message" \
    xlabel="pairs per message (batch; chunksize in CPython), log scale" \
    ylabel="speedup (loop time / pool time)" \
    xcol=batch ycol=median lowcol=lo highcol=hi groupcol=series groups="${series# }" \
    labels="${series_labels# }" logx=2 ymin=0 ideal="$cores" idealtitle="ideal: $cores cores" \
    hline=1 hlinetitle="as fast as the loop"

# Version by version (a full run finds several).
versions=$( [ -s "$RUN/64_python.csv" ] && mlr --icsv --onidx cut -f python then uniq -a "$RUN/64_python.csv" | sort -t. -k1,1n -k2,2n | tr '\n' ' ' || true)
if [ "$(echo $versions | wc -w)" -gt 1 ]; then
    mlr --icsv --ocsv filter '$executor != "serial" && $workers == 2' \
        then stats1 -i -a p50,min,max -f speedup -g python,executor \
        then rename speedup_p50,median,speedup_min,lo,speedup_max,hi \
        "$RUN/64_python.csv" >"$RUN/64_versions_chart.csv"
    plot_points "$RUN/64_versions_chart.csv" "$RUN/64_versions" \
        title="Item 64: CPython's two executors on 2 workers, version by version" \
        ylabel="speedup (loop time / pool time)" catcol=python cats="$versions" \
        groupcol=executor groups="threads processes" \
        labels="ThreadPoolExecutor ProcessPoolExecutor" ycol=median lowcol=lo highcol=hi \
        hline=1 hlinetitle="as fast as the loop"
fi
