#!/bin/sh
# plot/54.sh - Item 54's charts from the CSVs of measure/54.sh (by column
# name): updates lost against threads; the cost of one increment per
# method; lost against the number of increments (small counts hide the
# race); the book's program in every CPython found.
set -eu
. "$HARNESS/lib.sh"
cores=$(getconf _NPROCESSORS_ONLN)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 54_lost: % lost against threads, the book's 100000 increments each.
mlr --icsv --ocsv put '
        $series = $method =~ "^(mutex|atomic|gil_mutex|gil_atomic)$" ? "locked" : $method;
        $lost_pct = 100 * $lost / $expected' \
    then filter '$series == "racy" || $series == "gil_racy" || $series == "locked"' \
    then cut -o -f series,threads,lost_pct "$RUN/54_methods.csv" >"$tmp/lost.csv"
summarize "$tmp/lost.csv" "$RUN/54_lost_chart.csv" series,threads lost_pct
plot_lines "$RUN/54_lost_chart.csv" "$RUN/54_lost" \
    title="Item 54: K threads add 1 to one counter 100000 times each ($cores cores)" \
    xlabel="threads (K)" ylabel="updates lost (% of the total; median, bars: range)" \
    xcol=threads ycol=median lowcol=lo highcol=hi groupcol=series xtics=1 ymin=0 ymax=100 dashes="1 1 2" \
    groups="gil_racy racy locked" \
    labels="under_the_GIL,_no_lock_(gil_racy) no_GIL,_no_lock_(racy) with_a_lock_or_one_atomic_step_(four_methods,_all_exact)"

# ---- 54_cost: wall ns per increment, per method, 1 and 5 threads.
mlr --icsv --ocsv filter '$iterations == 100000 && ($threads == 1 || $threads == 5)' \
    then put '$k = $threads . "_threads"' then cut -o -f method,k,ns_per_increment \
    "$RUN/54_methods.csv" >"$tmp/cost.csv"
summarize "$tmp/cost.csv" "$RUN/54_cost_chart.csv" method,k ns_per_increment
plot_points "$RUN/54_cost_chart.csv" "$RUN/54_cost" \
    title="Item 54: the cost of one increment (100000 each; wall time over all increments)" \
    ylabel="ns per increment (median, bars: range; log scale)" catcol=method \
    cats="racy racy_plain mutex atomic gil_racy gil_mutex gil_atomic" \
    catlabels="racy_(wrong) racy_plain_(UB) mutex atomic gil_racy_(wrong) gil_mutex gil_atomic" \
    groupcol=k groups="1_threads 5_threads" labels="1_thread 5_threads" \
    ycol=median lowcol=lo highcol=hi logy=10

# ---- 54_sweep: % lost against increments per thread, 2 threads.
mlr --icsv --ocsv put '$lost_pct = 100 * $lost / $expected' then cut -o -f method,iterations,lost_pct \
    "$RUN/54_sweep.csv" >"$tmp/sweep.csv"
summarize "$tmp/sweep.csv" "$RUN/54_sweep_chart.csv" method,iterations lost_pct
plot_lines "$RUN/54_sweep_chart.csv" "$RUN/54_sweep" \
    title="Item 54: small counts hide the race (2 threads)" \
    xlabel="increments per thread (log scale)" ylabel="updates lost (%; median, bars: range)" \
    xcol=iterations ycol=median lowcol=lo highcol=hi groupcol=method logx=10 ymin=0 ymax=100 \
    groups="racy gil_racy" labels="no_GIL,_no_lock_(racy) under_the_GIL,_no_lock_(gil_racy,_0.1_ms)"

# ---- 54_python: the book's program in each CPython: % lost per run.
if [ -s "$RUN/54_python.csv" ]; then
    mlr --icsv --ocsv put '$lost_pct = 100 * $lost / $expected' then cut -o -f python,shape,lost_pct \
        "$RUN/54_python.csv" >"$tmp/py.csv"
    summarize "$tmp/py.csv" "$RUN/54_python_chart.csv" python,shape lost_pct
    versions=$(mlr --icsv --onidx cut -f python then uniq -a "$RUN/54_python.csv" | sort -t. -k1,1n -k2,2n | tr '\n' ' ')
    catlabels=$versions
    plot_points "$RUN/54_python_chart.csv" "$RUN/54_python" \
        title="Item 54: the counter of the book by CPython version (5 threads x 100000)" \
        ylabel="updates lost, worst run (% of 500000; bars: down to the best)" catcol=python cats="$versions" \
        catlabels="$catlabels" groupcol=shape groups="book call book_locked call_locked" \
        labels="Counter_(the_book) read,_call,_write_(0.5_ms_switches) LockingCounter_(the_book) read,_call,_write_under_a_Lock" \
        ycol=hi lowcol=lo highcol=hi
fi
