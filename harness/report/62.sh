#!/bin/sh
# report/62.sh - Item 62's section of the report, on stdout.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/62.figures"

steps=$RUN/62_steps.csv flood=$RUN/62_flood.csv errors=$RUN/62_errors.csv py=$RUN/62_python.csv
verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/62.verdicts"; }
ms() { stat "$1" "$2" step="$3" | awk '{ printf "%.0f (%.0f-%.0f)", $1, $2, $3 }'; }
us() { select_rows "$flood" step="$1" pinned="$2" >"$RUN/.62sel.csv"; stat "$RUN/.62sel.csv" "$3" | awk '{ printf ($1 < 10 ? "%.1f" : "%.0f"), $1 }'; }
s=$(csv_value "$steps" interval_ms) tail_ms=$(csv_value "$steps" tail_ms) workers=$(csv_value "$steps" workers)
files=$(csv_value "$steps" files) lines=$(csv_value "$steps" lines_per_file)
flood_lines=$(csv_value "$flood" lines_per_file)
fail=$(csv_value "$errors" fail_file),$(csv_value "$errors" fail_line)

cat <<EOT
## Item 62: mix threads and coroutines ([items/62_mixing](../../../items/62_mixing/README.md))

$files writer threads add $lines lines each to their own log file, pausing a
random time of up to $s ms before each; a tailer merges every line into one
output, polling every $poll ms, its readers stopping after $tail_ms ms once
their file is done (the book's setting is 100 ms, 100 ms and 1 s; a quick run
takes a third of each). The tailer moves to an event loop in the book's steps,
every step run in each of $rounds interleaved round(s), every merge read back
and checked by the program itself (each line once, each file's in order, else
"!!!"):

| step | who reads | who writes the output | line age p50, ms | p99, ms | hand-off p50 in a flood, us: unpinned | pinned |
|---|---|---|---:|---:|---:|---:|
| \`threads\` [p1] | a thread per file | each thread, under a lock | $(ms "$steps" age_p50_ms threads) | $(ms "$steps" age_p99_ms threads) | $(us threads 0 handoff_p50_us) | $(us threads 1 handoff_p50_us) |
| \`tail_in_executor\` [p2] | the old tail, whole, on a pool thread per file (\`run_in_executor\`) | the loop, each line handed with \`run_coroutine_threadsafe\` [p3] | $(ms "$steps" age_p50_ms tail_in_executor) | $(ms "$steps" age_p99_ms tail_in_executor) | $(us tail_in_executor 0 handoff_p50_us) | $(us tail_in_executor 1 handoff_p50_us) |
| \`readline_in_executor\` [p4] | a coroutine per file, each read on a pool thread | the loop | $(ms "$steps" age_p50_ms readline_in_executor) | $(ms "$steps" age_p99_ms readline_in_executor) | $(us readline_in_executor 0 handoff_p50_us) | $(us readline_in_executor 1 handoff_p50_us) |
| \`native\` [p5] | a coroutine per file, reading on the loop | the loop | $(ms "$steps" age_p50_ms native) | $(ms "$steps" age_p99_ms native) | $(us native 0 handoff_p50_us) | $(us native 1 handoff_p50_us) |
| \`bottomup\` [p6] | a thread per file calling \`tail_file_sync\`, a loop of its own | each thread, under a lock | $(ms "$steps" age_p50_ms bottomup) | $(ms "$steps" age_p99_ms bottomup) | $(us bottomup 0 handoff_p50_us) | $(us bottomup 1 handoff_p50_us) |
| \`inline\`, the negative control | the old tail called on the loop, no executor | the loop | $(ms "$steps" age_p50_ms inline) | $(ms "$steps" age_p99_ms inline) | $(us inline 0 handoff_p50_us) | $(us inline 1 handoff_p50_us) |

Line age: from the writer's write to the line in the output (median over
rounds, range in brackets); every step's slowest line is about one poll
interval old, as in the threaded program. **\`62.steps\`: $(verdict_of 62.steps)**: no
migrated step's slowest line passed ${bound} ms (the threads' ${ref} ms plus
one poll), each run's age less how late a canary thread of the same process
woke meanwhile (${stall} ms at the median: what the machine did to the
process, \`canary.c\`). Without \`run_in_executor\` (\`inline\`) the loop tails one file to
its end before the next, so the other files' lines wait for it: ${inline} ms,
**$(verdict_of 62.steps.neg-inline)** by the same rule. The executor has
$workers threads (CPython's default, \`min(32, cores + 4)\` since 3.8): one held
by each file's tail for its whole life; with fewer threads than files the
last files wait for a free one (lab 1).

![Item 62, line age per step](62_age.svg)

The hand-off (from a reader having a line to the line in the output) is
measured in a flood ($flood_lines lines a file, no pauses, a poll every
millisecond), unpinned and with every thread on CPU 0. Where the line stays on
the thread that read it (\`threads\`, \`native\`, \`bottomup\`) it costs a
lock or nothing; crossing to the loop thread means waking it, and in
\`tail_in_executor\` each reader thread also waits for the loop to write its
line before it reads on ([62_flood.csv](62_flood.csv)).

![Item 62, hand-offs](62_handoff.svg)

**Errors across the bridge.** The loop's write of file ${fail%,*} line ${fail#*,}
fails (as if the disk were full), in \`tail_in_executor\`:

| bridge | errors on the loop | back in the thread | at the gather | lines never written |
|---|---:|---:|---:|---:|
$(for b in run_coroutine_threadsafe call_soon_threadsafe; do
    echo "| \`$b\` | $(median "$errors" errors_on_loop bridge=$b) | $(median "$errors" errors_in_thread bridge=$b) | $(median "$errors" errors_at_gather bridge=$b) | $(median "$errors" lost bridge=$b) |"
done)

With \`run_coroutine_threadsafe\` the thread waits on a future and gets the
loop's error back from \`result()\`; its tail stops and the error reaches the
loop's gather through \`run_in_executor\`'s own future: **\`62.threadsafe\`:
$(verdict_of 62.threadsafe)**. With \`call_soon_threadsafe\` the thread never waits
and never hears of it: one line is simply missing, **$(verdict_of 62.threadsafe.neg-call-soon)**
by the same rule. (Medians over $(rounds_of "$errors" lost bridge=run_coroutine_threadsafe) round(s), [62_errors.csv](62_errors.csv).)
EOT

if [ -s "$py" ]; then
    cat <<EOT

CPython on the same machine (\`harness/python/62_bridge.py\`, 200 hand-offs in
turn, unpinned; [62_python.csv](62_python.csv)). \`call_soon_threadsafe\`'s
figure includes the wait behind the calls the thread queued before it: it
never waits, so its calls pile up.

| CPython | run_in_executor p50, us | run_coroutine_threadsafe p50, us | call_soon_threadsafe p50, us | error back through run_coroutine_threadsafe | through call_soon_threadsafe |
|---|---:|---:|---:|---|---|
EOT
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$py"); do
        select_rows "$py" python="$v" pinned=0 >"$RUN/.62sel.csv"
        p50() { median "$RUN/.62sel.csv" p50_us role="$1" | awk '{ printf ($1 < 10 ? "%.1f" : "%.0f"), $1 }'; }
        back() { [ "$(lowest "$RUN/.62sel.csv" errors_in_thread role="$1")" = 1 ] && echo yes || echo no; }
        echo "| $v | $(p50 run_in_executor) | $(p50 run_coroutine_threadsafe) | $(p50 call_soon_threadsafe) | $(back run_coroutine_threadsafe) | $(back call_soon_threadsafe) |"
    done
else
    echo
    echo "No CPython 3.5.1 or later was found, so only the C model ran."
fi
rm -f "$RUN/.62sel.csv"
echo
echo "Raw data: [62_steps.csv](62_steps.csv), [62_flood.csv](62_flood.csv), [62_errors.csv](62_errors.csv)$([ -s "$py" ] && echo ", [62_python.csv](62_python.csv)")."
