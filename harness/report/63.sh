#!/bin/sh
# report/63.sh - Item 63's section of the report, on stdout.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/63.figures"

lag=$RUN/63_lag.csv start=$RUN/63_start.csv py=$RUN/63_python.csv pystart=$RUN/63_python_start.csv
verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/63.verdicts"; }
ms() { stat "$lag" "$1" variant="$2" call="$3" | awk '{ printf ($1 < 10 ? "%.2f (%.2f-%.2f)" : "%.0f (%.0f-%.0f)"), $1, $2, $3 }'; }
reports() { mlr --icsv --onidx filter '$variant == "'"$1"'" && $call == "'"$2"'"' then stats1 -a sum,count -f "$3" "$lag" | awk '{ printf "%d of %d", $1, $2 }'; }
held() { stat "$start" "$1" how="$2" | awk '{ printf "%.0f", $1 }'; }

cat <<EOT
## Item 63: do not block the event loop ([items/63_blocking_loop](../../../items/63_blocking_loop/README.md))

A heartbeat task wakes every $beat ms on the loop and notes how late it woke.
50 ms into each run, one task makes a $block ms blocking
call (the book's \`time.sleep(0.5)\`; a quick run blocks 120 ms), either in
the loop's own thread (\`blocking\`) or on a writer thread that runs its own
loop, started through the executor and reached with \`call_soon_threadsafe\`
(\`offloaded\`, the book's fix). The call is \`sleep\` or \`fsync\` (write a
line and fsync it, again and again). \`alone\` is the heartbeat with no slow
task: what this machine does to it. \`below\` blocks for a tenth of the block,
under the debug mode's ${slow} ms threshold in the book's setting. Every run
has the debug mode on; $rounds interleaved round(s).

![Item 63, heartbeat lag](63_lag.svg)

| run | call | beats (median) | lag p50, ms | worst beat, ms | the call took, ms | named slow: main loop | writer's loop |
|---|---|---:|---:|---:|---:|---:|---:|
EOT
for row in "baseline none alone" "blocking sleep blocking" "offloaded sleep offloaded" "blocking fsync blocking" "offloaded fsync offloaded" "below sleep below"; do
    set -- $row
    echo "| $3 | $2 | $(median "$lag" beats variant=$1 call=$2) | $(ms lag_p50_ms $1 $2) | $(ms lag_max_ms $1 $2) | $(median "$lag" work_ms variant=$1 call=$2) | $(reports $1 $2 slow_main) | $(reports $1 $2 slow_writer) |"
done
cat <<EOT

(median over rounds, smallest and largest round in brackets; "named slow":
in how many runs the debug mode named a slow callback on that loop.)

**\`63.stall\`: $(verdict_of 63.stall).** With the call in the loop, the beats
that fell due during it waited for all of it: the worst beat came at least
$stalled ms late (0.8 x (block - period)), for sleep and fsync alike; the
median beat stays on time, which is why the worst beat is the figure to watch.
Each run's worst beat is taken less how late a canary thread of the same
process woke meanwhile (up to ${stall} ms at the median: what the machine did
to the process, \`canary.c\`); the heartbeat alone came ${alone} ms late beyond
that (the controls: a tenth and a quarter of the block would leave the run
unable to tell). Offloaded, the same calls run on the
writer thread and the heartbeat keeps time: **\`63.stall.neg-offloaded\`:
$(verdict_of 63.stall.neg-offloaded)**.

**\`63.debug\`: $(verdict_of 63.debug).** The debug mode named the call on the
main loop in every run where it took the threshold or more; offloaded, the main
loop's callbacks stayed quick ($offloaded_main reports) and the writer's loop
named its own slow callback instead ($offloaded_writer), where blocking harms
no one. The ${below_block} ms call (it took up to ${below_took} ms) was named in
no run: **\`63.debug.neg-below\`: $(verdict_of 63.debug.neg-below)**. Had the
load stretched it past ${slow} ms in every round, a report would be right, and
the verdict inconclusive.

**Starting a thread is a blocking call too** (the book starts its writer
thread through \`run_in_executor\`). \`Thread.start()\` creates the thread and
waits until it runs; the C model does the same (\`write_thread_start\`).
Started in a loop callback it held the loop $(held held_p50_us on_loop) us
(median over rounds of each round's median of 20 starts, its longest
$(held held_max_us on_loop) us); handed to the executor, the loop was held
$(held held_p50_us executor) us, the hand-over alone. Against a ${beat} ms beat
the median start is $(awk -v h="$(held held_p50_us on_loop)" -v b="$beat" 'BEGIN { printf "%.1f", h / (b * 10) }')%: real, but far under the debug mode's threshold, so
the debug mode cannot find it. Only the longest starts, when the new thread waits
for a CPU, come near a beat ([63_start.csv](63_start.csv)).

![Item 63, thread starts](63_start.svg)
EOT
if [ -s "$py" ]; then
    pyv=$(mlr --icsv --onidx head -n 1 then cut -f python "$py")
    pyms() { stat "$py" "$1" variant="$2" | awk '{ printf ($1 < 10 ? "%.2f" : "%.0f"), $1 }'; }
    cat <<EOT

CPython $pyv on the same machine (\`harness/python/63_asyncio.py\`,
[63_python.csv](63_python.csv)): the heartbeat a task, the slow task calling
\`time.sleep\` in the loop, through \`run_in_executor\`, or for a tenth of the
time; the loop in debug mode, its "Executing ... took" warnings counted:

| CPython $pyv | worst beat, ms | the call took, ms | debug-mode warnings |
|---|---:|---:|---:|
| blocking | $(pyms lag_max_ms blocking) | $(pyms work_ms blocking) | $(mlr --icsv --onidx filter '$variant == "blocking"' then stats1 -a sum -f slow_reports "$py") |
| offloaded | $(pyms lag_max_ms offloaded) | $(pyms work_ms offloaded) | $(mlr --icsv --onidx filter '$variant == "offloaded"' then stats1 -a sum -f slow_reports "$py") |
| below | $(pyms lag_max_ms below) | $(pyms work_ms below) | $(mlr --icsv --onidx filter '$variant == "below"' then stats1 -a sum -f slow_reports "$py") |
EOT
fi
if [ -s "$pystart" ]; then
    cat <<EOT

How long a thread start held CPython's loop, every interpreter found
([63_python_start.csv](63_python_start.csv); median of 20 starts, us).
\`run_in_executor(None, t.start)\` on a fresh loop creates the default
executor the first time and starts its first worker thread right there, on
the loop thread (\`ThreadPoolExecutor.submit\` calls \`Thread.start\` through
\`_adjust_thread_count\`): the first call holds the loop at least as long as
starting the thread directly would. Later calls find a worker waiting from 3.8
on (the idle semaphore); before 3.8 each submit started another thread until
\`max_workers\` (\`cpu_count * 5\`).

| CPython | Thread.start() in a coroutine | run_in_executor, first call | later calls |
|---|---:|---:|---:|
EOT
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$pystart"); do
        pv() { mlr --icsv --onidx filter '$python == "'"$v"'" && $how == "'"$1"'"' then stats1 -a p50 -f held_p50_us "$pystart" | awk '{ printf "%.0f", $1 }'; }
        echo "| $v | $(pv on_loop) | $(pv executor_first) | $(pv executor_later) |"
    done
fi
if [ ! -s "$py" ] && [ ! -s "$pystart" ]; then
    echo
    echo "No CPython 3.5 or later was found, so only the C model ran."
fi
echo
echo "Raw data: [63_lag.csv](63_lag.csv), [63_start.csv](63_start.csv)$([ -s "$py" ] && echo ", [63_python.csv](63_python.csv), [63_python_start.csv](63_python_start.csv)")."
