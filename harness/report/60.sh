#!/bin/sh
# report/60.sh - Item 60's section of the report, on stdout, from the
# figures and verdicts of judge/60.sh and the CSVs of measure/60.sh.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/60.figures"
root=../../..
verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/60.verdicts"; }
table() { # table FILE: a CSV as a markdown table
    mlr --icsv --omd cat "$1"
}
# A markdown table's rows by CPython version, numerically (3.9 before 3.10).
sort_versions() { { IFS= read -r h; IFS= read -r l; printf '%s\n%s\n' "$h" "$l"; sort -t. -k1.3,1n -k2,2n; }; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat <<EOT
## Item 60: coroutines for highly concurrent I/O ([items/60_coroutines]($root/items/60_coroutines/README.md))

The Game of Life of item 56 with every cell a stackless coroutine
([coro.h]($root/items/60_coroutines/coro.h)) on one libevent loop, awaiting its
I/O as a timer, one gather per generation; \`60_coroutines-bench\` measures
it, and \`harness/python/60_asyncio.py\` the same things in CPython. Ratios
here are "this many times the other" (bigger is slower or larger).

### One latency per generation, whatever the number of cells

![Item 60: time per generation against cells](60_generation.svg)

At the book's 100 ms per cell, one generation of each size, the sizes
interleaved round after round (median, with the smallest and largest
round). **60.one-latency: $(verdict_of 60.one-latency)**; its negative
control, the same coroutines blocking where the await goes ([p8]),
**$(verdict_of 60.one-latency.neg-blocking)**. The largest grid, ${largest_cells}
cells, took ${largest_x} latencies: past a hundred thousand, starting and
resuming every coroutine on one core shows.

EOT
mlr --icsv --ocsv put '$latencies = $gen_s / ($io_ms / 1000)' "$RUN/60_grid.csv" >"$tmp/grid.csv"
summarize "$tmp/grid.csv" "$tmp/g.csv" design,io_ms,cells latencies
mlr --icsv --omd rename median,latencies,lo,fewest,hi,most,n,rounds \
    then format-values -f %.3f "$tmp/g.csv"
cat <<EOT

### What one task costs: to start it, to keep it waiting

![Item 60: CPU time to start a task](60_start.svg) ![Item 60: memory per waiting task](60_bytes.svg)

CPU time per start (to the task's first await or blocking wait; memory the
process already holds) and resident memory per waiting task, all of them
waiting at once. The control of the start is a call whose frame is on the
heap (malloc, zero, call), as every CPython call's frame is: a coroutine
start took **${start_spread}** that call (**60.start: $(verdict_of 60.start)**;
a thread per task, **$(verdict_of 60.start.neg-thread)**). A waiting C coroutine
is its frame and malloc's rounding (**60.bytes: $(verdict_of 60.bytes)**; a
stackful coroutine with a 64 KiB stack, **$(verdict_of 60.bytes.neg-stackful)**:
it touches at least a page). A thread's bytes are its resident memory plus
the kernel's stack for it.

EOT
mlr --icsv --omd stats1 -a p50,min,max -f start_ns,bytes_rss,bytes_kernel,bytes_frame,bytes_reserved \
    -g design,tasks then cut -o -f design,tasks,start_ns_p50,start_ns_min,start_ns_max,bytes_rss_p50,bytes_kernel_p50,bytes_frame_p50,bytes_reserved_p50 \
    then put 'for (k, v in $*) { if (k != "design" && k != "tasks" && is_numeric(v)) { $[k] = fmtnum(v, "%.0f") } }' \
    then rename start_ns_p50,start_ns,start_ns_min,fewest,start_ns_max,most,bytes_rss_p50,resident_B \
    then rename bytes_kernel_p50,kernel_B,bytes_frame_p50,struct_B,bytes_reserved_p50,reserved_B \
    "$RUN/60_costs.csv"
cat <<EOT

(Medians over the rounds; struct: the task's own struct; reserved: its
stack, address space rather than memory; kernel: the kernel's stack for
each thread. The own goals: $(verdict_of 60.bytes-goal) for 256 bytes, $(verdict_of 60.start-goal)
for a 200 ns start.)

### Where threads cannot

On this machine a thread per task costs $(calc "$thread_bytes / 1024") KiB while it waits (resident
memory and kernel stack, measured with ${threads_started} threads alive), and the machine's
limits leave room for about ${thread_cap} threads:

EOT
table "$RUN/60_limits.csv"
cat <<EOT

100,000 threads: ${why_100k}. A million: ${why_1m}. So
**60.many: $(verdict_of 60.many)** at 100,000 (100,000 coroutines ran at
once in a checked generation), and **$(verdict_of 60.many.neg-fewer)** at
${threads_started}, where the threads did run: "where threads cannot" starts
at some tens of thousands here, set by the kernel's limits on threads, not
by memory (the book's 8 MB per thread is reserved address space).

### An error in one coroutine

EOT
table "$RUN/60_error.csv"
cat <<EOT

The gathered cell's EIO reached the coroutine awaiting the gather, which
raised it again as the simulation's error (**60.error: $(verdict_of 60.error)**);
started detached, outside the gather, the same error stayed in the cell's
frame where nobody looked (**$(verdict_of 60.error.neg-detached)**). CPython
differs in one way: \`gather\` raises the first exception at once and leaves
the other awaitables running; coro.h's gather resumes the awaiter after
every child has finished, so that their frames may be freed.
EOT

if [ "$(count_rows "$RUN/60_python_costs.csv")" -gt 0 ]; then
    cat <<EOT

### CPython, version by version

![Item 60 in CPython: bytes per coroutine and per Task](60_python.svg)

A coroutine object (an \`async def\` called, not started), the same
suspended at an await of the smallest awaitable, and the Task that
\`asyncio.gather\` wraps around each coroutine it is given, waiting in
\`asyncio.sleep\`: bytes per live object (tracemalloc) and CPU ns to make one
and run it to its first await, against a plain call. A coroutine stays
under 1 KB on every version; the Task passes it. From 3.11 a coroutine's
frame lives inside the coroutine object (bpo-44590, lazily allocated
frames), and a coroutine takes less than half its earlier bytes.
Interpreters found: $(sed -n 's/^pythons: //p' "$RUN/machine.txt" 2>/dev/null); measured: $(mlr --icsv --onidx cut -f python then uniq -a "$RUN/60_python_costs.csv" | sort -t. -k1,1n -k2,2n | paste -sd' ' -)
(async/await needs 3.5 or later: 2.7 is left out).

EOT
    mlr --icsv --ocsv stats1 -a p50 -f start_ns -g python,design \
        then put '$start_ns_p50 = fmtnum($start_ns_p50, "%.0f")' then reshape -s design,start_ns_p50 "$RUN/60_python_costs.csv" >"$tmp/pys.csv"
    mlr --icsv --ocsv stats1 -a p50 -f bytes -g python,design \
        then put '$bytes_p50 = fmtnum($bytes_p50, "%.0f")' then reshape -s design,bytes_p50 "$RUN/60_python_costs.csv" >"$tmp/pyb.csv"
    echo "CPU ns to make one and run it to its first await:"
    echo
    mlr --icsv --omd sort -t python "$tmp/pys.csv" | sort_versions
    echo
    echo "Bytes per live object:"
    echo
    mlr --icsv --omd sort -t python "$tmp/pyb.csv" | sort_versions
fi
cat <<EOT

Raw data: [60_grid.csv](60_grid.csv), [60_costs.csv](60_costs.csv), [60_error.csv](60_error.csv), [60_limits.csv](60_limits.csv), [60_python_costs.csv](60_python_costs.csv), [60_cells.csv](60_cells.csv).
EOT
