#!/bin/sh
# Item 62: mixing threads and coroutines. Five versions of a log tailer, from
# threads only to the loop tailing natively, and threaded code calling a
# function that runs its own loop; each run checks its merged output. Hand-off
# latency per step, unpinned and pinned; lines per second with writers that
# never pause; and CPython's own two bridges, where python3 is.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/62_mixing"
if [ "$QUICK" = 1 ]; then
    rounds=3 interval=10 poll=20 tail=60 flood_lines=500 pyrounds=1
else
    rounds=5 interval=40 poll=100 tail=400 flood_lines=10000 pyrounds=5
fi
files=5 lines=10
steps="threads executor threadsafe native bottomup"

if measuring; then
    for pin in "" --pin; do
        progress "62: $files files x $lines lines, every step, $rounds rounds ${pin:-unpinned}"
        "$prog" --csv $pin --rounds "$rounds" --files $files --lines $lines \
            --interval-ms "$interval" --poll-ms "$poll" --tail-ms "$tail" >"$RUN/62_steps$pin.csv"
        progress "62: lines per second, writers that never pause ($flood_lines lines each) ${pin:-unpinned}"
        "$prog" --csv $pin --rounds "$rounds" --files $files --lines "$flood_lines" \
            --interval-ms 0 --poll-ms 1 --tail-ms 0 >"$RUN/62_flood$pin.csv"
    done
    # One file each: the pinned rows after the unpinned ones (the pinned column tells).
    for kind in steps flood; do
        tail -n +2 "$RUN/62_$kind--pin.csv" >>"$RUN/62_$kind.csv"
        rm -f "$RUN/62_$kind--pin.csv"
    done
    rm -f "$RUN/62_python.csv"
    if command -v python3 >/dev/null 2>&1; then
        progress "62: CPython's run_in_executor and run_coroutine_threadsafe ($(python3 --version 2>&1))"
        {
            python3 "$HARNESS/python/62_bridge.py" --rounds "$pyrounds" | sed '1s/$/,pinned/; 2,$s/$/,0/'
            if command -v taskset >/dev/null 2>&1; then
                taskset -c 0 python3 "$HARNESS/python/62_bridge.py" --rounds "$pyrounds" | sed '1d; s/$/,1/'
            fi
        } >"$RUN/62_python.csv"
    fi
fi

# ---- The verdict: every run's check, counted from the rows.
steps_csv=$RUN/62_steps.csv flood_csv=$RUN/62_flood.csv
rows=$(awk -F, 'FNR > 1 { n++ } END { print n + 0 }' "$steps_csv" "$flood_csv")
bad=$(awk -F, 'FNR > 1 && ($10 + $11 + $12 > 0 || $9 != $4 * $5) { n++ } END { print n + 0 }' "$steps_csv" "$flood_csv")
merged=$(awk -F, 'FNR > 1 { s += $9 } END { print s + 0 }' "$steps_csv" "$flood_csv")
lost=$(awk -F, 'FNR > 1 { s += $10 } END { print s + 0 }' "$steps_csv" "$flood_csv")
doubled=$(awk -F, 'FNR > 1 { s += $11 } END { print s + 0 }' "$steps_csv" "$flood_csv")
disorder=$(awk -F, 'FNR > 1 { s += $12 } END { print s + 0 }' "$steps_csv" "$flood_csv")
seen=$(awk -F, 'FNR > 1 { s[$1] = 1 } END { for (k in s) n++; print n + 0 }' "$steps_csv" "$flood_csv")
bridge_ok=$(verdict "$rows > 0 && $bad == 0 && $seen == 5")

us() { awk -v x="$1" 'BEGIN { printf (x < 10 ? "%.1f" : "%.0f"), x }'; }
range() {   # range CSV COLUMN step pinned: "12 us (9-30)"
    stat "$1" "$2" step="$3" pinned="$4" | awk '{ printf "%s (%s-%s)",
        ($1 < 10 ? sprintf("%.1f", $1) : sprintf("%.0f", $1)),
        ($2 < 10 ? sprintf("%.1f", $2) : sprintf("%.0f", $2)),
        ($3 < 10 ? sprintf("%.1f", $3) : sprintf("%.0f", $3)) }'
}
rate() { stat "$flood_csv" lines_per_s step="$1" pinned="$2" |
    awk '{ printf "%.0f (%.0f-%.0f)", $1 / 1000, $2 / 1000, $3 / 1000 }'; }

ex_p50=$(median "$steps_csv" handoff_p50_us step=executor pinned=0)
ts_p50=$(median "$steps_csv" handoff_p50_us step=threadsafe pinned=0)
ex_p50_pin=$(median "$steps_csv" handoff_p50_us step=executor pinned=1)
ts_p50_pin=$(median "$steps_csv" handoff_p50_us step=threadsafe pinned=1)
py_note="CPython was not available on this machine, so only the C model was run."
py_fig=""
if [ -s "$RUN/62_python.csv" ]; then
    py=$RUN/62_python.csv
    pyex=$(stat "$py" p50_us role=executor pinned=0 | cut -d' ' -f1)
    pyts=$(stat "$py" p50_us role=threadsafe pinned=0 | cut -d' ' -f1)
    py_fig="; CPython $(python3 --version 2>&1 | cut -d' ' -f2) on the same machine: run_in_executor $(us "$pyex") us, run_coroutine_threadsafe $(us "$pyts") us (p50, unpinned)"
    py_note="CPython $(python3 --version 2>&1 | cut -d' ' -f2) on the same machine (\`harness/python/62_bridge.py\`, [62_python.csv](62_python.csv)) times the same two bridges with nothing else to do: \`await loop.run_in_executor(None, read)\` from the worker having its result to the coroutine having it, and \`asyncio.run_coroutine_threadsafe(append(line), loop)\` from the call to the coroutine running; pinned with \`taskset -c 0\`."
fi

echo "| 62 | both directions of the bridge work without races or lost lines | $bridge_ok: $rows runs over 5 steps (threads, executor, threadsafe, native, bottom-up), unpinned and pinned: $merged lines merged, $lost lost, $doubled doubled, $disorder out of their file's order; hand-off to the loop p50 $(us "$ex_p50") us (executor) and $(us "$ts_p50") us (threadsafe) unpinned, $(us "$ex_p50_pin") and $(us "$ts_p50_pin") us pinned$py_fig |" >"$RUN/62.verdicts"

# ---- Charts, from medians over rounds with the spread as whiskers.
{
    for st in $steps; do
        printf '%s' "$st"
        for col in handoff_p50_us handoff_p99_us; do
            for pin in 0 1; do
                stat "$steps_csv" $col step="$st" pinned=$pin | awk '{ printf " %s %s %s", $1, $2, $3 }'
            done
        done
        echo
    done
    if [ -s "$RUN/62_python.csv" ]; then
        for role in executor threadsafe; do
            printf '"CPython\\n%s"' "$role"
            for col in p50_us p99_us; do
                for pin in 0 1; do
                    s=$(stat "$RUN/62_python.csv" $col role=$role pinned=$pin)
                    case $s in nan*) printf ' ? ? ?' ;; *) echo "$s" | awk '{ printf " %s %s %s", $1, $2, $3 }' ;; esac
                done
            done
            echo
        done
    fi
} >"$RUN/62_handoff_chart.dat"
gnuplot -e "in='$RUN/62_handoff_chart.dat'; out='$RUN/62_handoff'; caption='$CAPTION'; logy=10; ymin=0.1;
    title=\"Item 62: hand-off from a reader to the merged output, per step\\n(median over rounds; whiskers: smallest to largest round)\";
    ylabel='hand-off latency (us, log scale)';
    labels='p50_unpinned p50_pinned_(one_CPU) p99_unpinned p99_pinned_(one_CPU)'" \
    "$HARNESS/plots/63_errbars.gp"
{
    for st in $steps; do
        printf '%s' "$st"
        for pin in 0 1; do
            stat "$flood_csv" lines_per_s step="$st" pinned=$pin |
                awk '{ printf " %s %s %s", $1 / 1000, $2 / 1000, $3 / 1000 }'
        done
        echo
    done
} >"$RUN/62_rate_chart.dat"
gnuplot -e "in='$RUN/62_rate_chart.dat'; out='$RUN/62_rate'; caption='$CAPTION';
    title=\"Item 62: lines merged per second, $files writers of $flood_lines lines that never pause\\n(median over rounds; whiskers: smallest to largest round)\";
    ylabel='thousand lines per second';
    labels='unpinned pinned_(one_CPU)'" \
    "$HARNESS/plots/63_errbars.gp"

{
    cat <<EOT
## Item 62: mix threads and coroutines ([items/62_mixing](../../items/62_mixing/README.md))

$files writer threads append $lines lines each to their own log file, pausing a
random time of up to $interval ms before each line; a tailer merges the files
into one output, polling every $poll ms, its readers stopping after $tail ms
once their file is done (the program's defaults are the book's 100 ms, 100 ms
and 1 s; shortened here to fit the time budget, which changes no hand-off).
The tailer comes in five versions, the migration of the book in steps:
\`threads\` (a thread per file, a lock on the output), \`executor\` (the loop
has worker threads do each blocking read and gets the result back with
\`event_active\`: the run_in_executor role), \`threadsafe\` (a thread per file
hands each line to the loop's inbox and wakes it: the
run_coroutine_threadsafe role), \`native\` (timer callbacks on the loop, no
threads), and bottom-up, \`bottomup\` (threaded code calling a synchronous
function that runs its own event loop). Steps alternate within each of the
$rounds rounds. Every run reads its merged file back and checks it.

**The book's claim:** both directions of the bridge work without races or lost
lines. **Measured:** $rows runs, unpinned and pinned, paced and flooded:
**$merged lines merged, $lost lost, $doubled doubled, $disorder out of their
file's order** (every run also under ThreadSanitizer in \`make tsan\`).
**Verdict: $bridge_ok.**

![Item 62, hand-off latency per step](62_handoff.svg)

Hand-off latency is the time from a reader having a line to that line being in
the merged output: for \`executor\` and \`threadsafe\` that is the wake-up of
the loop thread by another thread; for \`threads\` and \`bottomup\` taking the
output lock; for \`native\`, nothing crosses a thread. Median over rounds of
each run's percentile, smallest and largest round in brackets, in
microseconds:

| step | who reads | who writes the output | p50 unpinned | p99 unpinned | p50 pinned | p99 pinned | thousand lines/s, flood, unpinned | pinned |
|---|---|---|---:|---:|---:|---:|---:|---:|
EOT
    for st in $steps; do
        case $st in
            threads) who="a thread per file|each thread, locked" ;;
            executor) who="worker threads, asked by the loop|the loop thread" ;;
            threadsafe) who="a thread per file|the loop thread, from its inbox" ;;
            native) who="timer callbacks on the loop|the loop thread" ;;
            bottomup) who="a thread per file, each with its own loop|each thread, locked" ;;
        esac
        echo "| $st | ${who%%|*} | ${who#*|} | $(range "$steps_csv" handoff_p50_us "$st" 0) | $(range "$steps_csv" handoff_p99_us "$st" 0) | $(range "$steps_csv" handoff_p50_us "$st" 1) | $(range "$steps_csv" handoff_p99_us "$st" 1) | $(rate "$st" 0) | $(rate "$st" 1) |"
    done
    cat <<EOT

Placement matters for the two bridges: unpinned, the loop thread is woken on
the other vCPU (a wake-up across the two vCPUs of a VM costs tens of
microseconds); pinned (every thread on CPU 0), it is woken on the same CPU but
runs only when the thread that woke it gives the CPU up. The lock-based steps
and the native loop hand nothing to a sleeping thread, so they stay near a
microsecond either way. With writers that never pause ($flood_lines lines each,
readers polling every 1 ms), lines per second is the whole run's rate, from
the writers' start to the last line merged: it includes starting the threads
and the last poll interval, so short runs favour the steps that start fewest
pieces ([62_flood.csv](62_flood.csv)).

![Item 62, lines per second](62_rate.svg)

$py_note
EOT
    if [ -s "$RUN/62_python.csv" ]; then
        cat <<EOT

| CPython bridge | p50 unpinned (us) | p99 unpinned (us) | p50 pinned (us) | p99 pinned (us) |
|---|---:|---:|---:|---:|
$(for role in executor threadsafe; do
    echo "| $role | $(us "$(median "$py" p50_us role=$role pinned=0)") | $(us "$(median "$py" p99_us role=$role pinned=0)") | $(us "$(median "$py" p50_us role=$role pinned=1)") | $(us "$(median "$py" p99_us role=$role pinned=1)") |"
done)
EOT
    fi
    echo
    echo "Raw data: [62_steps.csv](62_steps.csv), [62_flood.csv](62_flood.csv)$([ -s "$RUN/62_python.csv" ] && echo ", [62_python.csv](62_python.csv)")."
} >"$RUN/62.md"
