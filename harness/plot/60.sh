#!/bin/sh
# plot/60.sh - Item 60's charts from the CSVs of measure/60.sh:
#   60_generation  time per generation in latencies against cells: awaiting
#                  cells stay at one latency, blocking ones climb with cells
#   60_bytes       bytes per waiting task, C and CPython (log axis, points)
#   60_start       CPU ns to start a task, C and CPython (log axis, points)
#   60_python      a coroutine's and a Task's bytes, CPython version by version
set -eu
. "$HARNESS/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 60_generation: latencies per generation (gen_s / latency).
mlr --icsv --ocsv put '$latencies = $gen_s / ($io_ms / 1000)' "$RUN/60_grid.csv" >"$tmp/grid.csv"
summarize "$tmp/grid.csv" "$tmp/generation.csv" design,cells latencies
plot_lines "$tmp/generation.csv" "$RUN/60_generation" \
    title="Item 60: one generation, every cell a coroutine (awaiting at 100 ms, blocking at 1 ms)" \
    xlabel="cells (coroutines started in the generation)" \
    ylabel="time per generation (latencies, log scale)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=design groups="awaiting blocking" \
    labels="awaiting_its_I/O_(a_timer) blocking_call_where_the_await_goes_([p8])" \
    logx=10 logy=10 ymin=0.5 ideal="x" idealtitle="cells x latency: one cell after another" \
    hline=1 hlinetitle="one latency: the goal"

# ---- 60_bytes and 60_start: one row per (design, impl) with its range.
{
    echo "design,impl,what,median,lo,hi"
    for d in call coroutine stackful thread; do
        for w in bytes start; do
            col=bytes_rss
            [ "$w" = start ] && col=start_ns
            if [ "$w" = bytes ] && [ "$d" = thread ]; then # resident + kernel stack
                mlr --icsv --ocsv filter '$design == "thread"' then put '$b = $bytes_rss + $bytes_kernel' \
                    "$RUN/60_costs.csv" >"$tmp/thread.csv"
                set -- $(stat "$tmp/thread.csv" b)
            else
                set -- $(stat "$RUN/60_costs.csv" "$col" design="$d")
            fi
            [ "$4" -gt 0 ] && echo "$d,c,$w,$1,$2,$3"
        done
    done
    if [ "$(count_rows "$RUN/60_python_costs.csv")" -gt 0 ]; then
        pyv=$(csv_value "$RUN/60_python_costs.csv" python)
        for d in call coroutine suspended task; do
            b=$(median "$RUN/60_python_costs.csv" bytes python="$pyv" design="$d")
            set -- $(stat "$RUN/60_python_costs.csv" start_ns python="$pyv" design="$d")
            echo "py_$d,python,bytes,$b,$b,$b"
            echo "py_$d,python,start,$1,$2,$3"
        done
    fi
} >"$tmp/costs.csv"
select_rows "$tmp/costs.csv" what=bytes >"$tmp/bytes.csv"
select_rows "$tmp/costs.csv" what=start >"$tmp/start.csv"
pylabel="CPython_${pyv:-}_(tracemalloc)"
plot_with 60_points "$tmp/bytes.csv" "$RUN/60_bytes" \
    title="Item 60: memory per waiting task (the book: under 1 KB; conclab goal: 256 B)" \
    ylabel="bytes per task while it waits (log scale)" catcol=design \
    cats="coroutine py_coroutine py_suspended py_task stackful thread" \
    catlabels="C_coroutine|(coro.h) CPython|coroutine CPython|suspended CPython_Task|(gather_makes_it) C_stackful|(64_KiB_stack) C_thread|(+_kernel_stack)" \
    groupcol=impl groups="c python" labels="C,_resident_memory_/_tasks $pylabel" \
    ycol=median lowcol=lo highcol=hi refs="1024 256" \
    reftitles="the_book:_under_1_KB conclab_goal:_256_B"
plot_with 60_points "$tmp/start.csv" "$RUN/60_start" \
    title="Item 60: CPU time to start a task, to its first await (conclab goal: 200 ns)" \
    ylabel="ns per start (CPU time, log scale)" catcol=design \
    cats="call coroutine py_call py_coroutine py_suspended py_task stackful thread" \
    catlabels="C_call|(heap_frame) C|coroutine CPython|call CPython|coroutine CPython|suspended CPython|Task C|stackful C|thread" \
    groupcol=impl groups="c python" labels="C CPython_${pyv:-}" \
    ycol=median lowcol=lo highcol=hi refs="200" reftitles="conclab_goal:_200_ns"

# ---- 60_python: bytes per design, version by version (every version found).
if [ "$(count_rows "$RUN/60_python_costs.csv")" -gt 0 ]; then
    versions=$(mlr --icsv --onidx cut -f python then uniq -a "$RUN/60_python_costs.csv" |
        sort -t. -k1,1n -k2,2n | tr '\n' ' ')
    mlr --icsv --ocsv filter '$round == 0' then put '$lo = $bytes; $hi = $bytes' \
        "$RUN/60_python_costs.csv" >"$tmp/py.csv"
    plot_with 60_points "$tmp/py.csv" "$RUN/60_python" \
        title="Item 60 in CPython: memory per coroutine and per Task, version by version" \
        ylabel="bytes per live object (tracemalloc, log scale)" catcol=python cats="$versions" \
        groupcol=design groups="coroutine suspended task" \
        labels="coroutine,_not_started coroutine,_suspended_at_an_await Task_in_asyncio.sleep_(gather)" \
        ycol=bytes lowcol=lo highcol=hi refs="1024" reftitles="the_book:_under_1_KB" \
        ymin=100 ymax=5000
fi
