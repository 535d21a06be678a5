#!/bin/sh
# plot/52.sh - item 52's charts, from the CSVs measure/52.sh wrote:
#   52_children   wall time against N children, one after another and all at once
#   52_stop       processes in the child's group at the deadline and after the stop
#   52_python_run CPython's run(timeout=0.1) on a shell whose sleep holds the pipe,
#                 per version (where CPython is found)
set -eu
. "$HARNESS/lib.sh"

# Names relative to the run's folder: gnuplot 5.4's sprintf() garbles a
# format once its result passes about 600 characters, and the chart scripts
# build their awk commands with it, long paths included.
cd "$RUN"
p=52_parallel.csv t=52_timeout.csv py=52_python.csv
sleep=$(csv_value "$p" sleep_s)

summarize "$p" 52_children_chart.csv variant,children wall_s
plot_lines 52_children_chart.csv 52_children \
    title="Item 52: N children that each sleep $sleep s" \
    xlabel="children started (N)" ylabel="wall time for all N (s; median, bars min-max)" \
    xcol=children ycol=median lowcol=lo highcol=hi groupcol=variant groups="serial parallel" \
    labels="one_after_another_(run()_N_times) all_at_once_(N_Popen,_then_wait())" logx=10 logy=10 \
    ideal="$sleep*x" idealtitle="N x sleep" hline="$sleep" hlinetitle="one sleep" \
    ymin=$(calc "$sleep / 2") ymax=$(calc "$sleep * 30")

# One bar pair per way of stopping: the group's processes before and after.
mlr --icsv --ocsv put '$run = $child . "_" . $stop' \
    then stats1 -a max -f in_group_at_deadline,left_in_group -g run \
    then rename in_group_at_deadline_max,at_deadline,left_in_group_max,after_the_stop \
    then reshape -i at_deadline,after_the_stop -o when,processes "$t" >52_stop_chart.csv
plot_bars 52_stop_chart.csv 52_stop \
    title="Item 52: communicate(timeout=0.1), then terminate() to the child alone (pid) or to its group" \
    ylabel="processes running in the group of the child (most over rounds)" \
    catcol=run cats="sleep_pid sleep_group shell_group stubborn_group shell_pid" \
    catlabels="sleep:_pid sleep:_group sh:_group stubborn_sh:_group sh:_pid" \
    groupcol=when groups="at_deadline after_the_stop" labels="at_the_deadline after_the_stop_(0:_nothing_left)" \
    ycol=processes

if [ "$(count_rows "$py" case=run_timeout)" -gt 0 ]; then
    versions=$(mlr --icsv --onidx filter '$case == "run_timeout"' then cut -f python "$py" | sort -V | paste -sd' ' -)
    plot_points "$py" 52_python_run \
        title="CPython: run(timeout=0.1) on a shell whose sleep 0.4 holds the pipe" \
        ylabel="seconds until TimeoutExpired reached the caller" \
        catcol=python cats="$versions" groupcol=case groups=run_timeout \
        labels="run(...,_stdout=PIPE,_timeout=0.1)" ycol=seconds \
        hline=0.1 hlinetitle="the deadline"
fi
