#!/bin/sh
# Item 52: N sleeping children, one after another against all at once.
# The program interleaves the two in rounds (serial, parallel, serial, ...);
# each speedup is taken within its own round. hyperfine times the whole
# process at the largest N as a cross-check. One more in-process run of every
# part gives the clean-up figures (timeout, pipelines, leftovers).
set -eu
. "$HARNESS/lib.sh"

if [ "$QUICK" = 1 ]; then
    children=1,2,4,8 sleep=0.02 rounds=3 hf_runs=2
else
    children=1,2,4,8,16,32 sleep=0.05 rounds=5 hf_runs=3
fi
largest=${children##*,}
deadline=0.2 # seconds, for the timeout and stalled-pipeline parts
prog="$BIN/52_subprocess"

if measuring; then
    progress "52: serial and parallel interleaved, children $children, sleep $sleep s, $rounds rounds"
    "$prog" --csv --mode compare --children "$children" --sleep "$sleep" --rounds "$rounds" \
        >"$RUN/52_rounds.csv"
    progress "52: whole-process cross-check with hyperfine at $largest children"
    timed_scan "$RUN/52_whole" --warmup 1 --runs "$hf_runs" -L mode serial,parallel \
        --command-name '{mode}' "$prog --mode {mode} --children $largest --sleep $sleep"
    progress "52: every part once, in process (capture, poll, pipelines, timeout)"
    "$prog" --csv --children "$largest" --sleep "$sleep" --rounds 1 --timeout "$deadline" \
        >"$RUN/52_parts.csv"
fi

summarize "$RUN/52_rounds.csv" "$RUN/52_wall.csv" mode,children wall_s
plot_lines "$RUN/52_wall.csv" "$RUN/52_children" \
    title="Item 52: N children that each sleep $sleep s" \
    xlabel="children started (N)" ylabel="wall time for all N (s; median, bars min-max)" \
    xcol=children ycol=median lowcol=lo highcol=hi groupcol=mode groups="serial parallel" \
    labels="one_after_another all_at_once" logx=2 logy=10 \
    ideal="$sleep*x" idealtitle="N x sleep (serial ideal)" \
    hline="$sleep" hlinetitle="one sleep (parallel ideal)"

# ---- The figures the report states, all from this run's CSVs.
r=$RUN/52_rounds.csv
at_n="children=$largest"
serial=$(median "$r" wall_s mode=serial "$at_n")
parallel=$(median "$r" wall_s mode=parallel "$at_n")
spawn=$(median "$r" spawn_s mode=parallel "$at_n")
after_spawn=$(calc "$parallel - $spawn")
speedup=$(spread "$r" speedup mode=parallel "$at_n")
# Control: what one child costs beyond its sleep when run alone (serial
# rounds: spawn, exec, exit, reap). A machine so busy that this reaches half
# a sleep cannot tell overlapping children from slow ones.
overhead=$(calc "$serial / $largest - $sleep")
claim_ok=$(decide "$after_spawn < 1.5 * $sleep" "$overhead < 0.5 * $sleep" \
    "one child alone took ${overhead} s beyond its ${sleep} s sleep")

p=$RUN/52_parts.csv
leftover=$(awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { s += $c["children_left"] + $c["fds_leaked"] } END { print s + 0 }' "$p" "$r")
gave_up=$(csv_value "$p" wall_s mode=timeout)
term_code=$(csv_value "$p" exit_code mode=timeout)
kill_code=$(csv_value "$p" exit_code mode=timeout_ignores_term)
kill_after=$(csv_value "$p" wall_s mode=timeout_ignores_term)
stall=$(csv_value "$p" timed_out mode=pipeline_forgot_close)
leak=$(csv_value "$p" timed_out mode=pipeline_leak_fds)
units=$(csv_value "$p" speedup mode=poll)
poll_wall=$(csv_value "$p" wall_s mode=poll)
clean_ok=$(verdict "$leftover == 0 && $term_code == 143 && $kill_code == 137")

{
    echo "| 52 | $largest sleeping children in parallel take about one child's time | $claim_ok: after the last start the wait took $(calc "$after_spawn") s against one ${sleep} s sleep; speedup $speedup |"
    echo "| 52 | a child past its deadline is stopped and reaped; nothing is left behind | $clean_ok: SIGTERM gave exit $term_code, a child ignoring it got SIGKILL ($kill_code); $leftover children or descriptors left |"
} >"$RUN/52.verdicts"

hf() { csv_value "$RUN/52_whole.csv" mean command="$1"; }
{
    cat <<EOT
## Item 52: child processes ([items/52_subprocess](../../items/52_subprocess/README.md))

![Item 52 chart](52_children.svg)

**The book's claim:** children run in parallel with the parent and with each
other, so N children that each sleep take about one sleep, not N of them.

**Measured:** serial and parallel ran in $rounds interleaved rounds. With
$largest children sleeping $sleep s, one after another took $(calc "$serial") s
and all at once $(calc "$parallel") s (medians): parallel was **$speedup**
faster. Of the parallel run, $(calc "$spawn") s went into starting the
children one by one (the parent's own serial work); after the last start the
wait took **$(calc "$after_spawn") s**, about one sleep: the children slept at
the same time. **Verdict: $claim_ok.** The control: one child run alone cost
$(calc "$overhead") s beyond its sleep (serial rounds); at half a sleep or more
the machine is too busy to tell overlapping children from slow ones, and the
verdict would be *inconclusive*.

| N | serial (s) | parallel (s) | serial / parallel, median (min-max) | spawning, parallel (s) |
|---:|---:|---:|---:|---:|
EOT
    for n in $(echo "$children" | tr , ' '); do
        printf '| %s | %.3f | %.3f | %s | %.4f |\n' "$n" "$(median "$r" wall_s mode=serial children="$n")" \
            "$(median "$r" wall_s mode=parallel children="$n")" \
            "$(spread "$r" speedup mode=parallel children="$n")" \
            "$(median "$r" spawn_s mode=parallel children="$n")"
    done
    cat <<EOT

Every figure is the median of $rounds rounds ([52_rounds.csv](52_rounds.csv)).
Whole process, timed by hyperfine at $largest children ($hf_runs runs each after a warm-up, run
back to back rather than interleaved, so only a cross-check;
[52_whole.json](52_whole.json)): serial $(calc "$(hf serial)") s, parallel $(calc "$(hf parallel)") s.
The children sleep, so the speedup needs no spare cores, only a machine that
can start processes quickly.

**The parent keeps working:** while $largest children slept, the parent did
$units units of its own work (each checked) between polls, and found them all
done after $(calc "$poll_wall") s.

**Clean-up, from one in-process run** ([52_parts.csv](52_parts.csv)):
\`communicate\` with a $deadline s deadline gave up after $(calc "$gave_up") s with the
child still running; \`terminate\` (SIGTERM) ended it (exit code $term_code =
128 + 15). A child that ignores SIGTERM was killed with SIGKILL after the grace
period (exit code $kill_code = 128 + 9), $(calc "$kill_after") s after the start.
The pipeline whose parent forgot to close its copy of the write end
$([ "$stall" = 1 ] && echo "stalled until the late close" || echo "did not stall (unexpected)");
without close-on-exec, \`wc\` $([ "$leak" = 1 ] && echo "never saw end-of-file (it held the write end of its own input) and was stopped at the deadline" || echo "finished (unexpected)").
Children left unreaped plus descriptors leaked, over every part and round:
$leftover. **Verdict: $clean_ok.**
EOT
} >"$RUN/52.md"
