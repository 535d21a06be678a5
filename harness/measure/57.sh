#!/bin/sh
# Item 57, measure: runs 57_thread_per_cell-bench and CPython's 57_threads.py.
#   $RUN/57_cost.csv         a thread per cell against a hand-off to a thread
#                            that already exists (and that hand-off again, the
#                            negative control), no I/O, per cell
#   $RUN/57_cost_pinned.csv  the same at the book's 45 cells, pinned to CPU 0
#   $RUN/57_memory.csv       threads parked at once: reserved, address space,
#                            resident; touched stacks (control), small stacks
#   $RUN/57_spawn.csv        the push to 10,000 live threads, no cap; the
#                            book's 45; the same with the address space capped
#   $RUN/57_errors.csv       the error lost, and carried (negative control)
#   $RUN/57_sweep.csv        a thread per cell at 1 ms per cell, the chapter's
#                            sweep; $RUN/57_cells.csv: its cross-item columns
#   $RUN/57_python.csv       CPython, every interpreter found
# Full: about 15 s here; QUICK: about 4 s.
set -eu
. "$HARNESS/lib.sh"

bench="$BIN/57_thread_per_cell-bench"
if [ "$QUICK" = 1 ]; then
    rounds=1 tasks=2000 cost_threads=45,1000,10000 cells=45,400,2500 mem_rounds=1
else
    rounds=3 tasks=10000 cost_threads=45,1000,10000 cells=45,400,2500,10000,100000,1000000 mem_rounds=2
fi

progress "57: a thread per cell against a hand-off to an existing thread, $cost_threads cells, $rounds round(s)"
"$bench" --part cost --threads "$cost_threads" --tasks "$tasks" --rounds "$rounds" >"$RUN/57_cost.csv"
"$bench" --part cost --threads 45 --tasks "$tasks" --rounds "$rounds" --pin >"$RUN/57_cost_pinned.csv"
progress "57: 45, 1000 and 10000 threads alive at once: reserved and resident memory"
"$bench" --part memory --threads 45,1000,10000 --rounds "$mem_rounds" >"$RUN/57_memory.csv"
progress "57: the push to 10000 live threads, no cap; then with the address space capped"
"$bench" --part spawn --max-threads 10000 --cap-as-mib 256 >"$RUN/57_spawn.csv"
"$bench" --part errors >"$RUN/57_errors.csv" 2>"$RUN/57_errors.stderr"
progress "57: a thread per cell at 1 ms per cell, $cells cells, $rounds round(s)"
"$bench" --part cells --cells "$cells" --io-ms 1 --rounds "$rounds" >"$RUN/57_sweep.csv"
mlr --icsv --ocsv cut -o -f approach,cells,latency_ms,round,gen_s,rss_kib,note \
    "$RUN/57_sweep.csv" >"$RUN/57_cells.csv"

progress "57: CPython $(pythons | cut -d' ' -f1 | paste -sd' ' -): Thread start + join, memory, the lost exception"
each_python "$RUN/57_python.csv" 57_threads.py --rounds 1 --batches 20 --parked 1000
