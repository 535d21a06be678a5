#!/bin/sh
# Item 55, report: the item's section of the report page, on stdout, from
# judge/55.sh's figures and verdicts and measure/55.sh's CSVs.
set -eu
. "$HARNESS/lib.sh"
# shellcheck disable=SC1091 # written by judge/55.sh
. "$RUN/55.figures"

root=../../..
pipe=$RUN/55_pipeline.csv expl=$RUN/55_explosion.csv shut=$RUN/55_shutdown.csv
thr=$RUN/55_throughput.csv py=$RUN/55_python.csv
verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3; exit }' "$RUN/55.verdicts"; }
ms_cell() { stat "$1" "$2" "$3" "$4" | awk '{ printf "%.3g (%.3g-%.3g)", $1 * 1e3, $2 * 1e3, $3 * 1e3 }'; }

# pipeline_rows SETTING VARIANT...: one table row per variant.
pipeline_rows() {
    setting=$1
    shift
    for v in "$@"; do
        sel="setting=$setting"
        printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$v" \
            "$(csv_value "$pipe" main_wait "$sel" variant="$v")" \
            "$(median "$pipe" polls "$sel" variant="$v" | awk '{ printf "%.0f", $1 }')" \
            "$(median "$pipe" empty_polls "$sel" variant="$v" | awk '{ printf "%.0f", $1 }')" \
            "$(ms_cell "$pipe" cpu_s "$sel" variant="$v")" \
            "$(ms_cell "$pipe" main_cpu_s "$sel" variant="$v")" \
            "$(ms_cell "$pipe" workers_cpu_s "$sel" variant="$v")" \
            "$(ms_cell "$pipe" wall_s "$sel" variant="$v")"
    done
}

cat <<EOT
## Item 55: Queue pipelines ([items/55_queue_pipelines]($root/items/55_queue_pipelines/README.md))

Download, resize and upload, a thread per stage, $items items, in the book's
setting: the stages take no time, and the home-made queue's \`get\` fails
when the list is empty, so its worker naps $poll_ms ms and polls again; the
book's main thread waits for the done list in a loop with no nap at all.
Against it, the blocking queue of \`queue.h\` (\`queue.Queue\`): \`get\`
sleeps until an item comes, and closing the queue ends its workers. The
variants alternate over $rounds rounds; figures are medians (range: the
smallest and largest round).

### Polls, counted as the book counts them

The polling pipeline **processed $items items after polling $polls times**:
every pass round a worker's loop, as the book counts it, so one for each item
at each of the three stages and $empty_polls that found the list empty. The
blocking workers went round their loops exactly once per item and stage and
never found a queue empty: a \`get\` returns with an item or not at all.
**$(verdict_of 55.polls)** (\`55.polls\`; on the blocking pipeline the same
rule gives *$(verdict_of 55.polls.neg)*).

![Item 55, polls](55_polls.svg)

### Busy waiting and CPU

![Item 55, CPU in the book's setting](55_cpu.svg)

The book's polling pipeline burnt **$busy_x** the CPU time of the blocking
one ($cpu_poll against $cpu_block ms): **$(verdict_of 55.busy-cpu)**
(\`55.busy-cpu\`). Nearly all of it, $cpu_main ms, is main's loop waiting
for the done list (it had the CPU $(calc "100 * $main_share")% of the time): the
workers, napping $poll_ms ms after an empty poll, used $workers_poll ms against
the blocking workers' $workers_block ms. With main napping too, so that no
loop runs without a nap, the polling pipeline used $naps_x the blocking
one's CPU ($cpu_naps ms): *$(verdict_of 55.busy-cpu.neg-nap)*, as the
negative control must be. What the nap costs is delay: the polling run took
$wall_poll ms against $wall_block ms, and a median item took $latency_poll ms
to come out against $latency_block ms, since an item can wait a whole nap at
each stage.

| variant | main waits by | polls | found nothing | CPU, process (ms) | main (ms) | workers (ms) | wall (ms) |
|---|---|---:|---:|---:|---:|---:|---:|
$(pipeline_rows book polling polling_main_naps blocking)

![Item 55, CPU behind a slow download](55_cpu_starved.svg)

Where the book's stages do take time, the later ones starve: behind a
download of $download_ms ms an item ($starve_items items), resize and upload
wait most of the time. Workers that poll in a tight loop, with no nap at
all, then burnt **$spin_x** the blocking workers' CPU ($w_spin against
$w_sblock ms; $spin_polls polls): **$(verdict_of 55.spin-cpu)**
(\`55.spin-cpu\`). With the book's $poll_ms ms nap the same workers used
$nap10_x the blocking workers' CPU ($w_nap ms, $nap_polls polls):
*$(verdict_of 55.spin-cpu.neg-10ms)*. A nap of $poll_ms ms wakes a worker a
hundred times a second at most; a blocking worker wakes once per item, so
when items come faster than the naps, napping is the cheaper of the two and
pays in delay instead. Busy waiting burns CPU when the loop has no nap, as
main's does in the book.

| variant | main waits by | polls | found nothing | CPU, process (ms) | main (ms) | workers (ms) | wall (ms) |
|---|---|---:|---:|---:|---:|---:|---:|
$(pipeline_rows slow_download spinning polling blocking)
EOT

if [ -s "$py" ]; then
    cat <<EOT

**CPython**, the book's own code (\`harness/python/55_queue.py\`: \`MyQueue\`,
its \`Worker\` counting every pass, main's \`while\` loop; the
\`ClosableQueue\` with its sentinel, and from 3.13 \`Queue.shutdown()\`), means
over the rounds, one row per interpreter and variant:

| CPython | variant | polls | found nothing | CPU, process (ms) | main (ms) | workers (ms) | wall (ms) |
|---|---|---:|---:|---:|---:|---:|---:|
$(mlr --icsv --onidx --ofs '|' stats1 -a mean -f polls,empty_polls,cpu_s,main_cpu_s,workers_cpu_s,wall_s \
    -g python,variant "$py" | awk -F'|' '{ m = ($6 == "" ? "-" : sprintf("%.3g", $6 * 1e3)); w = ($7 == "" ? "-" : sprintf("%.3g", $7 * 1e3))
        printf "| %s | %s | %.0f | %.0f | %.3g | %s | %s | %.3g |\n", $1, $2, $3, $4, $5 * 1e3, m, w, $8 * 1e3 }' |
    sort -s -t'|' -k2,2V)

Main's and the workers' CPU need \`time.thread_time\` (3.7); \`blocking_shutdown\`
appears where \`Queue.shutdown\` exists (3.13).
EOT
else
    printf '\nCPython was not found on this machine: the C model alone was run.\n'
fi

cat <<EOT

### A fast stage in front of a slow one

![Item 55, peak depth](55_depth.svg)

![Item 55, resident memory](55_rss.svg)

Download takes no time and resize $slow_ms ms an item; every item carries a
$item_kib KiB payload from download to upload (mapped, so resident memory
follows the payloads alive). Unbounded, the queue in front of resize held
**$depth_big of $big** items at once ($depth_small of $small), and resident
memory grew by $mib_big MiB ($mib_small at $small): it grows with the items,
and with enough of them the program runs out of memory.
**$(verdict_of 55.growth)** (\`55.growth\`; download was done after
$(calc "100 * $dl_share")% of the run; the queue of capacity 10 under the same rule:
*$(verdict_of 55.growth.neg-bounded)*). With a capacity of 10 the queue never
held more than 10 and memory stayed at $mib10_small MiB at $small items and
$mib10_big MiB at $big, while download waited for room:
**$(verdict_of 55.bound)** (\`55.bound\`; the unbounded queue under the same
rule: *$(verdict_of 55.bound.neg-unbounded)*). No bounded queue ever held more
than its capacity: the bench checks it and would stop with \`!!!\`.

| items | capacity | most waiting | payloads alive at once | RSS growth (MiB) | wall (ms) | download done (ms) |
|---:|---:|---:|---:|---:|---:|---:|
$(mlr --icsv --onidx --ofs '|' cut -o -f items,capacity,peak_depth,peak_payloads,rss_growth_kib,wall_s,download_s "$expl" |
    awk -F'|' '{ printf "| %s | %s | %s | %s | %.1f | %.0f | %.0f |\n", $1, ($2 == 0 ? "unbounded" : $2), $3, $4, $5 / 1024, $6 * 1e3, $7 * 1e3 }')

### Closing the queues ends the workers

$items items through 3, 4 and 5 workers on the three stages. Main closes
the first queue, joins it (every item put into it is \`task_done\`), joins
its workers, and goes on to the next. In all $shut_runs runs every item came
out once and all $threads workers were gone: **$(verdict_of 55.shutdown)**
(\`55.shutdown\`). Left open, as the book's first pipeline had to be,
$left of the $threads workers still waited in \`get\` after the work was
done: *$(verdict_of 55.shutdown.neg-open)*.

| run | workers | capacity | items out | workers left after 0.1 s | wall (ms) |
|---|---|---:|---:|---:|---:|
$(mlr --icsv --onidx --ofs '|' cut -o -f variant,workers,capacity,finished,workers_left,wall_s "$shut" |
    awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %.1f |\n", $1, $2, ($3 == 0 ? "unbounded" : $3), $4, $5, $6 * 1e3 }')

### conclab's own measurement: queue.h against GLib's GAsyncQueue

![Item 55, throughput](55_throughput.svg)

Pointers through one unbounded queue, P producers and P consumers,
\`queue.h\` and GAsyncQueue ($(pkg-config --modversion glib-2.0 2>/dev/null || echo "version unknown"))
in the same rounds, unpinned and with every thread on one CPU. queue.h /
GAsyncQueue, items a second (bigger: queue.h faster): 1P/1C unpinned
$x_1_0, on one CPU $x_1_1; 4P/4C unpinned $x_4_0, on one CPU $x_4_1.
**$(verdict_of 55.gasync)** (\`55.gasync\`), and the 7 M/s goal,
**$(verdict_of 55.goal)** (\`55.goal\`); the pinned runs had their CPU
$(calc "100 * $pinned_share")% of the time (the control: 70%).

| P/C | placement | queue.h (M/s) | GAsyncQueue (M/s) |
|---|---|---:|---:|
| 1/1 | unpinned | $ours_1_0 | $glib_1_0 |
| 4/4 | unpinned | $ours_4_0 | $glib_4_0 |
| 1/1 | one CPU | $ours_1_1 | $glib_1_1 |
| 4/4 | one CPU | $ours_4_1 | $glib_4_1 |

EOT
if [ -n "${futex_glib:-}" ]; then
    cat <<EOT
Why: both queues signal a waiting consumer only when one waits. The
difference is what that signal costs. A consumer that was woken but has not
run yet still counts as waiting, so the producer signals again and again;
glibc's \`pthread_cond_signal\` sees that no waiter is left unsignalled and
returns without entering the kernel, while GLib's \`GCond\` (its own futex)
makes a \`FUTEX_WAKE\` system call on every signal. Counted by \`perf stat\`
with 1P/1C on one CPU: **$futex_glib futex calls per item for GAsyncQueue
against $futex_ours for queue.h**, and $switch_glib against $switch_ours
context switches per item ([55_futex.csv](55_futex.csv)). GAsyncQueue also
allocates a list node per item, where queue.h writes a slot of its ring.
EOT
else
    cat <<EOT
Why: both queues signal only when a consumer waits; the harness counts the
futex calls of each with \`perf stat\` where perf may count them, which it
could not on this machine.
EOT
fi
cat <<EOT

Raw data: [55_pipeline.csv](55_pipeline.csv), [55_explosion.csv](55_explosion.csv),
[55_shutdown.csv](55_shutdown.csv), [55_throughput.csv](55_throughput.csv)$([ -s "$py" ] && echo ", [55_python.csv](55_python.csv)").
EOT
