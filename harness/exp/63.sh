#!/bin/sh
# Item 63: do not block the event loop. A heartbeat every 10 ms on a libevent
# loop, its lag while one callback blocks (sleep, or write + fsync) and while
# the same work runs on a writer thread with its own loop; the debug mode
# (--debug) above and below its threshold; and asyncio itself, where python3 is.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/63_blocking_loop"
if [ "$QUICK" = 1 ]; then
    rounds=3 block=120 quiet_rounds=1
else
    rounds=5 block=500 quiet_rounds=5
fi
quiet_block=50 slow=100 beat=10

if measuring; then
    progress "63: heartbeat lag, blocking vs offloaded, sleep and fsync, $rounds rounds of $block ms"
    "$prog" --csv --debug --slow-ms "$slow" --heartbeat-ms "$beat" --block-ms "$block" \
        --rounds "$rounds" >"$RUN/63_lag.csv"
    progress "63: the debug mode below its threshold ($quiet_block ms < $slow ms)"
    "$prog" --csv --debug --slow-ms "$slow" --heartbeat-ms "$beat" --block-ms "$quiet_block" \
        --variant blocking --work sleep --rounds "$quiet_rounds" >"$RUN/63_quiet.csv"
    rm -f "$RUN/63_python.csv"
    if command -v python3 >/dev/null 2>&1; then
        progress "63: the same in CPython asyncio ($(python3 --version 2>&1))"
        pyrounds=$rounds
        [ "$QUICK" = 1 ] && pyrounds=1
        python3 "$HARNESS/python/63_asyncio.py" --rounds "$pyrounds" --block-ms "$block" \
            >"$RUN/63_python.csv"
    fi
fi

# ---- The figures, all from this run's CSVs.
lag=$RUN/63_lag.csv
med() { median "$lag" "$1" variant="$2" work="$3"; }
ms() { awk -v x="$1" 'BEGIN { printf (x < 10 ? "%.2f" : "%.0f"), x }'; }
range() { stat "$lag" "$1" variant="$2" work="$3" |
    awk '{ printf "%s ms (%s-%s over %d rounds)", ($1 < 10 ? sprintf("%.2f", $1) : sprintf("%.0f", $1)),
           ($2 < 10 ? sprintf("%.2f", $2) : sprintf("%.0f", $2)), ($3 < 10 ? sprintf("%.2f", $3) : sprintf("%.0f", $3)), $4 }'; }

# Per round: how much worse the blocking heartbeat's worst beat was.
awk -F, 'NR == 1 { print "work,round,stall_ratio"; next }
    { m[$2, $3, $1] = $11; w[$2] = 1; r[$3] = 1 }
    END { for (k in w) for (j in r) if ((k, j, "offloaded") in m)
        printf "%s,%s,%.6g\n", k, j, m[k, j, "blocking"] / (m[k, j, "offloaded"] > 0.001 ? m[k, j, "offloaded"] : 0.001) }' \
    "$lag" >"$RUN/63_ratio.csv"

sleep_bmax=$(med lag_max_ms blocking sleep) sleep_omax=$(med lag_max_ms offloaded sleep)
fsync_bmax=$(med lag_max_ms blocking fsync) fsync_omax=$(med lag_max_ms offloaded fsync)
sleep_op50=$(med lag_p50_ms offloaded sleep) fsync_op50=$(med lag_p50_ms offloaded fsync)
ratio_spread() { stat "$RUN/63_ratio.csv" stall_ratio work="$1" |
    awk '{ printf "%.0fx (%.0f-%.0fx over %d rounds)", $1, $2, $3, $4 }'; }
sleep_ratio=$(ratio_spread sleep) fsync_ratio=$(ratio_spread fsync)
block=$(csv_value "$lag" block_ms variant=blocking)
# The claim: the blocked loop's worst beat is at least the block time, less
# one heartbeat period (the block may start just before a beat falls due); the
# offloaded loop's worst beat stays under half of it.
stall_claim="$sleep_bmax >= $block - $beat && $fsync_bmax >= $block - $beat && $sleep_omax < $block / 2 && $fsync_omax < $block / 2"
# The control: the offloaded loop's ordinary beats were on time. If even its
# median beat is late by a tenth of the block, the machine was too busy to say.
stall_control="$sleep_op50 < $block / 10 && $fsync_op50 < $block / 10"
stall_ok=$(decide "$stall_claim" "$stall_control" \
    "the offloaded heartbeat's median lag was $(ms "$sleep_op50") ms (sleep) and $(ms "$fsync_op50") ms (fsync), against a $block ms block")

# The debug mode: every blocking run above the threshold reported on the main
# loop, no offloaded run did (its writer's loop did), and no run below the
# threshold reported anything.
fires=$(awk -F, 'NR > 1 && $1 == "blocking" && $14 >= 1 { n++ } END { print n + 0 }' "$lag")
blocking_runs=$(awk -F, 'NR > 1 && $1 == "blocking" { n++ } END { print n + 0 }' "$lag")
offloaded_quiet=$(awk -F, 'NR > 1 && $1 == "offloaded" && $14 == 0 && $15 >= 1 { n++ } END { print n + 0 }' "$lag")
offloaded_runs=$(awk -F, 'NR > 1 && $1 == "offloaded" { n++ } END { print n + 0 }' "$lag")
quiet_false=$(awk -F, 'NR > 1 && $14 + $15 > 0 { n++ } END { print n + 0 }' "$RUN/63_quiet.csv")
quiet_runs=$(awk -F, 'NR > 1 { n++ } END { print n + 0 }' "$RUN/63_quiet.csv")
debug_ok=$(verdict "$blocking_runs > 0 && $fires == $blocking_runs && $offloaded_quiet == $offloaded_runs && $quiet_runs > 0 && $quiet_false == 0")

py_note="CPython was not available on this machine, so only the C model was run."
py_stall="" py_debug=""
if [ -s "$RUN/63_python.csv" ]; then
    py=$RUN/63_python.csv
    py_bmax=$(median "$py" lag_max_ms variant=blocking) py_omax=$(median "$py" lag_max_ms variant=offloaded)
    py_fires=$(awk -F, 'NR > 1 && $1 == "blocking" && $8 >= 1 { n++ } END { print n + 0 }' "$py")
    py_off=$(awk -F, 'NR > 1 && $1 == "offloaded" && $8 > 0 { n++ } END { print n + 0 }' "$py")
    py_runs=$(awk -F, 'NR > 1 && $1 == "blocking" { n++ } END { print n + 0 }' "$py")
    py_stall=" (CPython asyncio: worst beat $(ms "$py_bmax") ms blocking, $(ms "$py_omax") ms with run_in_executor)"
    py_debug=" (CPython asyncio's debug mode: warned in $py_fires of $py_runs blocking runs, in $py_off offloaded runs)"
    py_note="CPython $(python3 --version 2>&1 | cut -d' ' -f2) on the same machine (\`harness/python/63_asyncio.py\`, [63_python.csv](63_python.csv)): the same heartbeat as a task, the slow task calling \`time.sleep\` in the loop or through \`run_in_executor\`, the loop in debug mode; slow-callback warnings are caught from the \`asyncio\` logger and counted."
fi

{
    echo "| 63 | one blocking call stalls every other task | $stall_ok: worst heartbeat lag $(ms "$sleep_bmax") ms (sleep) and $(ms "$fsync_bmax") ms (write + fsync) with a $block ms block in the loop, $(ms "$sleep_omax") and $(ms "$fsync_omax") ms offloaded; blocking/offloaded per round $sleep_ratio (sleep), $fsync_ratio (fsync)$py_stall |"
    echo "| 63 | the debug mode finds it | $debug_ok: named the slow callback in $fires of $blocking_runs blocking runs ($block ms > $slow ms), the main loop quiet in $offloaded_quiet of $offloaded_runs offloaded runs, $quiet_false reports in $quiet_runs run(s) blocking $quiet_block ms$py_debug |"
} >"$RUN/63.verdicts"

# ---- Chart: lag percentiles, median over rounds with the spread as whiskers.
pivot() {   # pivot WORK: one row per percentile, blocking then offloaded
    for p in p50 p99 max; do
        printf '"%s %s"' "$1" "$p"
        for v in blocking offloaded; do
            stat "$lag" "lag_${p}_ms" variant=$v work="$1" | awk '{ printf " %s %s %s", $1, $2, $3 }'
        done
        if [ -s "$RUN/63_python.csv" ] && [ "$1" = sleep ]; then
            for v in blocking offloaded; do
                stat "$RUN/63_python.csv" "lag_${p}_ms" variant=$v | awk '{ printf " %s %s %s", $1, $2, $3 }'
            done
        else
            printf ' ? ? ? ? ? ?'
        fi
        echo
    done
}
{ pivot sleep; pivot fsync; } >"$RUN/63_lag_chart.dat"
gnuplot -e "in='$RUN/63_lag_chart.dat'; out='$RUN/63_lag'; caption='$CAPTION'; logy=10; ymin=0.01;
    title=\"Item 63: heartbeat lag while one task blocks for $block ms\\n(median over rounds; whiskers: smallest to largest round)\";
    ylabel='heartbeat lag (ms, log scale)';
    labels='C:_blocking_in_the_loop C:_offloaded_to_a_writer_thread CPython:_time.sleep_in_the_loop CPython:_sleep_in_an_executor_thread'" \
    "$HARNESS/plots/63_errbars.gp"

{
    cat <<EOT
## Item 63: do not block the event loop ([items/63_blocking_loop](../../items/63_blocking_loop/README.md))

A heartbeat timer fires every $beat ms on a libevent loop and records how late
each beat came. $((50)) ms into each run one task blocks for $block ms, either
inside a loop callback (\`blocking\`) or on a writer thread that runs its own
loop, reached with \`event_active\` and answering the same way (\`offloaded\`).
The work is \`sleep\` (a nanosleep) or \`fsync\` (write a line and fsync it,
over and over, until the time is up). Blocking and offloaded runs alternate,
$rounds rounds; every callback runs through the \`--debug\` timing shim with a
threshold of $slow ms.

![Item 63, heartbeat lag](63_lag.svg)

**The book's claims:** one blocking call stalls every other task on the loop;
asyncio's debug mode names the callback that took too long.

**Measured** (median over rounds, smallest-largest round in brackets): with the
block in the loop, the worst beat came $(range lag_max_ms blocking sleep) late
(sleep) and $(range lag_max_ms blocking fsync) (write + fsync); offloaded,
$(range lag_max_ms offloaded sleep) and $(range lag_max_ms offloaded fsync).
The median beat was on time in both: $(range lag_p50_ms blocking sleep) blocking,
$(range lag_p50_ms offloaded sleep) offloaded (sleep): the damage is all in the
beats that fell due during the block. **Verdict: $stall_ok.**

The debug mode named the blocking callback on the main loop in **$fires of
$blocking_runs** blocking runs; in the offloaded runs the main loop stayed quiet
($offloaded_quiet of $offloaded_runs) and the report named the writer thread's
loop instead, where the slow work now lives. Blocking for $quiet_block ms, under
the $slow ms threshold, it reported **$quiet_false** times in $quiet_runs run(s).
**Verdict: $debug_ok.**

| work | variant | beats (median) | lag p50 (ms) | lag p99 (ms) | lag max (ms) | work (ms) | debug reports: main / writer |
|---|---|---:|---:|---:|---:|---:|---|
EOT
    for w in sleep fsync; do
        for v in blocking offloaded; do
            echo "| $w | $v | $(med ticks $v $w) | $(range lag_p50_ms $v $w) | $(range lag_p99_ms $v $w) | $(range lag_max_ms $v $w) | $(ms "$(med work_ms $v $w)") | $(awk -F, -v v=$v -v w=$w 'NR > 1 && $1 == v && $2 == w { a += $14; b += $15 } END { print a + 0 " / " b + 0 }' "$lag") |"
        done
    done
    echo
    echo "$py_note"
    if [ -s "$RUN/63_python.csv" ]; then
        cat <<EOT

| CPython variant | lag p50 (ms) | lag p99 (ms) | lag max (ms) | asyncio slow-callback warnings |
|---|---:|---:|---:|---:|
$(for v in blocking offloaded; do
    echo "| $v | $(ms "$(median "$py" lag_p50_ms variant=$v)") | $(ms "$(median "$py" lag_p99_ms variant=$v)") | $(ms "$(median "$py" lag_max_ms variant=$v)") | $(awk -F, -v v=$v 'NR > 1 && $1 == v { s += $8 } END { print s + 0 }' "$py") |"
done)
EOT
    fi
    echo
    echo "Raw data: [63_lag.csv](63_lag.csv), [63_quiet.csv](63_quiet.csv), [63_ratio.csv](63_ratio.csv)$([ -s "$RUN/63_python.csv" ] && echo ", [63_python.csv](63_python.csv)")."
} >"$RUN/63.md"
