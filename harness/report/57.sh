#!/bin/sh
# Item 57, report: the item's section of the report page, on stdout, from
# 57.figures, 57.verdicts and the CSVs of this run.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/57.figures"
root=../../..

verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/57.verdicts"; }
num() { awk "BEGIN { x = $1; if (x >= 1000) printf \"%.0f\", x; else printf \"%.3g\", x }"; }
# "36.1 (33.0-41.1)" of COLUMN over the rounds of the matching rows.
range_of() { stat "$@" | awk '{ if ($4 > 1) printf "%.3g (%.3g-%.3g)", $1, $2, $3; else printf "%.3g", $1 }'; }

cost_rows() {
    for cells in $(mlr --icsv --onidx filter '$variant == "thread"' then cut -f cells \
        then uniq -a then sort -nf cells "$RUN/57_cost.csv"); do
        printf '| %s | %s | %s | %s | %s |\n' "$cells" \
            "$(range_of "$RUN/57_cost.csv" cpu_us_per_task variant=thread cells="$cells")" \
            "$(range_of "$RUN/57_cost.csv" cpu_us_per_task variant=handoff cells="$cells")" \
            "$(range_of "$RUN/57_cost.csv" us_per_task variant=thread cells="$cells")" \
            "$(range_of "$RUN/57_cost.csv" us_per_task variant=handoff cells="$cells")"
    done
}
memory_rows() {
    mlr --icsv --onidx --ofs ' ' filter '$round == 1' \
        then cut -o -f variant,threads,started,stack_kib,vm_per_thread_kib,rss_per_thread_kib "$RUN/57_memory.csv" |
        while read -r variant threads started stack vm rss; do
            case $variant in
                default_stack) what="default stack" ;;
                small_stack) what="small stack (negative control)" ;;
                *) what="whole stack written (control)" ;;
            esac
            printf '| %s | %s | %s | %s | %s |\n' "$what" "$started" "$stack" "$vm" "$rss"
        done
}

cat <<EOT
## Item 57: no new thread per fan-out ([items/57_thread_per_cell]($root/items/57_thread_per_cell/README.md))

The Game of Life of item 56 with a new thread for every cell of every
generation (fan-out), all joined before the next (fan-in), over a grid whose
get and set take a mutex, as the book's \`LockingGrid\`. Every generation is
checked against the serial one. The fan-out works: the cells' waits overlap
(the chapter's sweep, \`57_cells.csv\`). The book's point is what it costs.

**Start-up cost** (\`57.cost\`, [rule]($root/harness/judge/57.sh)). The book
says threads are costly to start. What "costly" is measured against: handing
the same cell's step to a thread that already exists (a worker waiting on a
mailbox, what items 58 and 59 build), in the same round, with no I/O so the
overhead shows. CPU time (user + system) per cell decides, since it is what
starting a thread costs and a busy neighbour does not add to it; wall time
stands beside it. At the book's 45 cells a generation: a new thread
**$(num "$thread_cpu") us** of CPU per cell, a hand-off **$(num "$handoff_cpu") us**:
**$(num "$cost_ratio")x**. **Verdict: $(verdict_of 57.cost).** The negative control
(\`57.cost.neg\`) puts the hand-off against itself (${aa}x):
**$(verdict_of 57.cost.neg)**. Pinned to one CPU (\`57_cost_pinned.csv\`), where a
new thread waits for its creator to yield, a new thread cost
$(num "$(median "$RUN/57_cost_pinned.csv" cpu_us_per_task variant=thread)") us of CPU and a hand-off
$(num "$(median "$RUN/57_cost_pinned.csv" cpu_us_per_task variant=handoff)") us.

| cells per generation | new thread, CPU us per cell | hand-off, CPU us per cell | new thread, wall us per cell | hand-off, wall us per cell |
|---:|---:|---:|---:|---:|
$(cost_rows)

![Item 57, cost per cell](57_cost.svg)

**Memory** (\`57.memory\`). The book says each thread needs about 8 MB, so
10,000 of them will not fit. With $mem_threads threads alive at once, each
reserved its $mem_stack KiB stack as address space ($(num "$mem_vm") KiB added per thread),
but only **$(num "$mem_rss") KiB** per thread became resident memory:
$(num "$mem_total_mib") MiB for all $mem_threads. The 8 MB is a reservation of
address space, not memory in use: a page of a thread's stack costs RAM only
once the thread touches it, and an idle thread touches a couple. The control
shows the measure would see more: $mem_touched_n threads that write their whole
stack hold **$(num "$mem_touched") KiB** each. **Verdict: $(verdict_of 57.memory)**
(the rule asks for half the reserve resident). The book's claim holds where
the reservation itself is the limit: a 32-bit process (3 GiB of address space:
a few hundred 8 MiB stacks), a \`ulimit -v\` (see the spawn row below), or
\`vm.overcommit_memory=2\`, which counts every reserved stack against RAM and
swap. The negative control, small stacks ($mem_small_stack KiB, what
\`threading.stack_size()\` sets in CPython): $(num "$mem_small") KiB each,
**$(verdict_of 57.memory.neg)**.

| threads | alive at once | stack reserved (KiB) | address space per thread (KiB) | resident per thread (KiB) |
|---|---:|---:|---:|---:|
$(memory_rows)

![Item 57, memory per live thread](57_memory.svg)

**Spawning thousands** (\`57.spawn\`). Threads pushed with no cap, all alive
at once, up to 10,000 (the bound: Ctrl-C must join every one within half a
second): $nat_started started in $nat_s s and none was refused ($nat_stop),
$nat_rss_mib MiB resident. This system's ceilings are kernel.pid_max
$pid_max (every thread of every process takes an id), kernel.threads-max
$threads_max and vm.max_map_count $map_count (a stack and its guard page are
two mappings); a push to them would take ids and mappings every other user
of the machine needs, so the bench stops at 10,000. **Verdict:
$(verdict_of 57.spawn)**: at the book's scale, on Linux with memory
overcommitted, spawning thousands does not fail. The control shows the
refusal the rule looks for: with the address space capped $cap_mib MiB above
use, thread $((${cap_started:-0} + 1)) was refused (\`EAGAIN\`) and every
started one joined. The negative control, the book's own 45 threads:
**$(verdict_of 57.spawn.neg)**.

**The lost error** (\`57.error\`). One generation of the book's grid where
cell (2, 3)'s I/O fails. Lost: the thread printed
\`$(head -n 1 "$RUN/57_errors.stderr" 2>/dev/null || echo '(nothing)')\`,
every join returned 0, and the caller went on with a grid wrong at that cell.
**Verdict: $(verdict_of 57.error).** Carried (each thread keeps its error in
a slot the caller reads after the joins, the negative control): the caller
saw it, **$(verdict_of 57.error.neg)**.

EOT

if [ -f "$RUN/57_python.csv" ]; then
    summarize "$RUN/57_python.csv" "$RUN/57_python_summary.csv" python,measure value
    py() { csv_value "$RUN/57_python_summary.csv" median python="$1" measure="$2"; }
    cat <<EOT
**CPython**, \`harness/python/57_threads.py\`, on every interpreter found:
45 \`threading.Thread\` objects started and joined per generation, against the
same 45 tasks handed to a thread that already exists through a
\`queue.Queue\` (per task, microseconds); 1,000 threads parked on an
\`Event\` (per thread, KiB); and a thread whose target raises. CPython starts
each \`Thread\` on a pthread with the platform's default stack
(\`THREAD_STACK_SIZE\` 0 on Linux, \`Python/thread_pthread.h\`;
\`threading.stack_size()\` reads 0), so the same 8 MiB reservation and the
same few KiB resident hold there. Up to 3.7 the thread's traceback is printed
by \`Thread\` itself; from 3.8 by \`threading.excepthook\` (bpo-1230540); on
every version \`join()\` returns normally.

| CPython | new Thread, CPU / wall us per task | hand-off, CPU / wall us per task | resident / address space per parked thread (KiB) | join raised | traceback printed | carried error seen |
|---|---:|---:|---:|---:|---:|---:|
$(mlr --icsv --onidx cut -f python then uniq -a then sort -t python "$RUN/57_python.csv" | while read -r v; do
        printf '| %s | %s / %s | %s / %s | %s / %s | %s | %s | %s |\n' "$v" \
            "$(num "$(py "$v" thread_cpu_us)")" "$(num "$(py "$v" thread_us)")" \
            "$(num "$(py "$v" handoff_cpu_us)")" "$(num "$(py "$v" handoff_us)")" \
            "$(num "$(py "$v" rss_per_thread_kib)")" "$(num "$(py "$v" vm_per_thread_kib)")" \
            "$(py "$v" lost_join_raised)" "$(py "$v" lost_printed)" "$(py "$v" carried_seen)"
    done)

EOT
else
    echo "No CPython was found on this machine; only the C bench ran."
    echo
fi

cat <<EOT
Raw data: [57_cost.csv](57_cost.csv), [57_cost_pinned.csv](57_cost_pinned.csv),
[57_memory.csv](57_memory.csv), [57_spawn.csv](57_spawn.csv),
[57_errors.csv](57_errors.csv), [57_sweep.csv](57_sweep.csv) (the chapter's
sweep; [57_cells.csv](57_cells.csv): its cross-item columns)$([ -f "$RUN/57_python.csv" ] && echo ", [57_python.csv](57_python.csv)").
EOT
