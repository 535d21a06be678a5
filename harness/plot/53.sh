#!/bin/sh
# plot/53.sh - Item 53's charts from the CSVs of measure/53.sh (by column
# name): CPU-bound speedup against threads; blocking against computing
# threads; the overlap; the convoy's slowdown per policy and CPython; how long
# a CPU-bound thread runs between switches in each CPython; the timeline.
set -eu
. "$HARNESS/lib.sh"
cores=$(getconf _NPROCESSORS_ONLN)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
default_py=""
[ -s "$RUN/53_python_cpu.csv" ] && default_py=$(csv_value "$RUN/53_python_cpu.csv" python)
versions=""
[ -s "$RUN/53_python_convoy.csv" ] &&
    versions=$(mlr --icsv --onidx cut -f python then uniq -a then sort -t python "$RUN/53_python_convoy.csv" |
        sort -t. -k1,1n -k2,2n | tr '\n' ' ')

# ---- 53_cpu: speedup against threads, one line per policy (CPython: the
# default interpreter, at the book's 4 threads).
{
    mlr --icsv --ocsv cut -o -f policy,threads,speedup "$RUN/53_cpu.csv"
    [ -n "$default_py" ] && mlr --icsv --ocsv --headerless-csv-output put '$policy = "cpython"' \
        then filter '$python == "'"$default_py"'"' then cut -o -f policy,threads,speedup \
        "$RUN/53_python_cpu.csv"
    true
} >"$tmp/cpu.csv"
summarize "$tmp/cpu.csv" "$RUN/53_cpu_chart.csv" policy,threads speedup
groups="new old none" labels="new_GIL_(CPython_3.2+) old_GIL_(2.x) no_GIL_(free-threaded)"
[ -n "$default_py" ] && groups="$groups cpython" labels="$labels CPython_$default_py"
plot_lines "$RUN/53_cpu_chart.csv" "$RUN/53_cpu" \
    title="Item 53: CPU-bound threads against serial ($cores cores; the numbers of the book)" \
    xlabel="threads, each factorizes one number of the book" ylabel="speedup (serial time / threaded time)" \
    xcol=threads ycol=median lowcol=lo highcol=hi groupcol=policy groups="$groups" \
    labels="$labels" ymin=0 xtics=1 xmin=0.5 xmax=4.5 \
    ideal="x<$cores?x:$cores" idealtitle="ideal on $cores cores" hline=1 hlinetitle="as fast as serial"

# ---- 53_io: 5 threads blocking, and the same threads computing as long.
{
    mlr --icsv --ocsv cut -o -f policy,work,speedup "$RUN/53_io.csv"
    [ -s "$RUN/53_python_io.csv" ] && mlr --icsv --ocsv --headerless-csv-output \
        put '$policy = "cpython"; $work = "blocking"' then cut -o -f policy,work,speedup \
        "$RUN/53_python_io.csv"
    true
} >"$tmp/io.csv"
summarize "$tmp/io.csv" "$RUN/53_io_chart.csv" policy,work speedup
wait_ms=$(csv_value "$RUN/53_io.csv" wait_ms)
cats="new old none" catlabels="model,_new_GIL model,_old_GIL model,_no_GIL"
[ -s "$RUN/53_python_io.csv" ] && cats="$cats cpython" catlabels="$catlabels CPython_$default_py"
plot_points "$RUN/53_io_chart.csv" "$RUN/53_io" \
    title="Item 53: 5 threads, each blocking $wait_ms ms$([ "$wait_ms" = 100 ] || echo ' (CPython: 100 ms)'), against serial" \
    ylabel="speedup (serial time / threaded time)" catcol=policy cats="$cats" catlabels="$catlabels" \
    groupcol=work groups="blocking computing" \
    labels="each_thread_blocks_(a_system_call) each_thread_computes_as_long_instead" \
    ycol=median lowcol=lo highcol=hi hline=5 hlinetitle="5x: the five calls fully overlapped"

# ---- 53_overlap: this thread computing beside the 5 threads: each part
# alone, both at once, and their sum (ms, medians).
mlr --icsv --ocsv put '$cat = $policy . "_" . $work; $compute = $compute_s * 1000;
        $threads = $threads_s * 1000; $both = $both_s * 1000; $sum = $compute + $threads' \
    then cut -o -f cat,compute,threads,both,sum \
    then reshape -i compute,threads,both,sum -o what,ms "$RUN/53_io.csv" >"$tmp/ov.csv"
summarize "$tmp/ov.csv" "$RUN/53_overlap_chart.csv" cat,what ms
cats=$(mlr --icsv --onidx cut -f cat then uniq -a "$RUN/53_overlap_chart.csv" | tr '\n' ' ')
catlabels=$(echo "$cats" | sed 's/new_/new_GIL,_/g; s/old_/old_GIL,_/g; s/none_/no_GIL,_/g; s/_blocking/_threads_block/g; s/_computing/_threads_compute/g')
plot_bars "$RUN/53_overlap_chart.csv" "$RUN/53_overlap" \
    title="Item 53: this thread computes beside 5 threads that block ($wait_ms ms each), or compute as long" \
    ylabel="wall time (ms, median)" catcol=cat cats="$cats" catlabels="$catlabels" \
    groupcol=what groups="compute threads both sum" ycol=median \
    labels="this_thread_computing_alone the_5_threads_alone both_at_once_(measured) the_two_added_(no_overlap)"

# ---- 53_convoy: the slowdown of a round trip beside a CPU-bound thread, per
# lock and CPython version, echo after 100 us and at once.
{
    mlr --icsv --ocsv put '$who = $pinned == 1 ? $policy . "_pinned" : $policy' \
        then cut -o -f who,echo_us,slowdown "$RUN/53_convoy.csv"
    [ -s "$RUN/53_python_convoy.csv" ] && mlr --icsv --ocsv --headerless-csv-output \
        put '$who = "cpython" . $python' then cut -o -f who,echo_us,slowdown "$RUN/53_python_convoy.csv"
    true
} >"$tmp/cv.csv"
summarize "$tmp/cv.csv" "$RUN/53_convoy_chart.csv" who,echo_us slowdown
cats="new old none" catlabels="new_GIL old_GIL no_GIL"
if [ "$(count_rows "$RUN/53_convoy.csv" pinned=1)" -gt 0 ]; then
    cats="$cats new_pinned" catlabels="$catlabels pinned" # the new GIL, pinned to one CPU
fi
for v in $versions; do cats="$cats cpython$v" catlabels="$catlabels $v"; done
plot_points "$RUN/53_convoy_chart.csv" "$RUN/53_convoy" \
    title="Item 53: a round trip beside a CPU-bound thread against alone: the model, then CPython versions" \
    ylabel="slowdown (median trip beside / alone; log scale)" catcol=who cats="$cats" \
    catlabels="$catlabels" groupcol=echo_us groups="100 0" \
    labels="echo_after_100_us_(the_claim) echo_at_once_(a_race:_flips_between_runs)" \
    ycol=median lowcol=lo highcol=hi logy=10 hline=1 hlinetitle="as fast as alone"

# ---- 53_switching: CPython, two CPU-bound threads: how long one runs
# before the lock changes hands (2.7: a check every 100 ticks; 3.2+: 5 ms).
if [ -s "$RUN/53_python_switching.csv" ]; then
    mlr --icsv --ocsv put '$who = "cpython"' "$RUN/53_python_switching.csv" >"$tmp/sw.csv"
    summarize "$tmp/sw.csv" "$RUN/53_switching_chart.csv" who,python median_stretch_ms
    cats="" catlabels=""
    for v in $versions; do cats="$cats $v" catlabels="$catlabels $v"; done
    plot_points "$RUN/53_switching_chart.csv" "$RUN/53_switching" \
        title="Item 53: two CPU-bound threads, a turn with the lock, by CPython version" \
        ylabel="median time one thread runs before the other (ms; log scale)" catcol=python \
        cats="$cats" catlabels="$catlabels" groupcol=who groups=cpython \
        labels="median_over_the_turns_of_a_round_(bars:_smallest_and_largest_round)" \
        ycol=median lowcol=lo highcol=hi logy=10 hline=5 hlinetitle="5 ms: the switch interval (3.2+)"
fi

# ---- 53_timeline: who holds the lock (its own script: bands per thread).
gnuplot -e "in='$RUN/53_timeline.csv'; out='$RUN/53_timeline'; caption='$CAPTION'; style='$HARNESS/plots/style.gp'; new_ms=30; old_ms=10" \
    "$HARNESS/plots/53_timeline.gp"
