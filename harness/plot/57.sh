#!/bin/sh
# Item 57, plot: 57_cost (CPU time per cell: a thread per cell against a
# hand-off to a thread that already exists, by cells per generation) and
# 57_memory (the resident memory each live thread adds, by threads alive at
# once, against the stack it reserves), both log-log.
set -eu
. "$HARNESS/lib.sh"

summarize "$RUN/57_cost.csv" "$RUN/57_cost_chart.csv" variant,cells cpu_us_per_task
plot_lines "$RUN/57_cost_chart.csv" "$RUN/57_cost" \
    title="Item 57: what a cell costs, a new thread each or handed to one that exists" \
    xlabel="cells per generation (log scale)" ylabel="CPU time per cell, microseconds (log scale)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=variant \
    groups="thread handoff handoff_again" dashes="1 1 2" \
    labels="a_new_thread_per_cell,_started_and_joined handed_to_a_waiting_worker the_same_hand-off_again_(negative_control)" \
    logx=10 logy=10

long=$RUN/57_memory_long.csv
{
    echo "kind,threads,round,kib"
    mlr --icsv --onidx --ofs , filter '$variant == "default_stack" || $variant == "touched"' \
        then put -q 'print $variant . "," . $threads . "," . $round . "," . $rss_per_thread_kib' \
        "$RUN/57_memory.csv"
} >"$long"
summarize "$long" "$RUN/57_memory_chart.csv" kind,threads kib
stack=$(csv_value "$RUN/57_memory.csv" stack_kib variant=default_stack)
plot_lines "$RUN/57_memory_chart.csv" "$RUN/57_memory" \
    title="Item 57: memory per live thread, N threads parked at once" \
    xlabel="threads alive at once (log scale)" ylabel="KiB per thread (log scale)" \
    xcol=threads ycol=median lowcol=lo highcol=hi groupcol=kind \
    groups="default_stack touched" \
    labels="resident_memory_each_thread_adds resident,_threads_that_write_their_whole_stack_(control)" \
    hline="$stack" hlinetitle="stack reserved per thread: $stack KiB (the book: about 8 MB each)" \
    logx=10 logy=10 ymin=1
rm -f "$long"
