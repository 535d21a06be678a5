#!/bin/sh
# Item 52: N sleeping children, one after another against all at once.
# Whole-process timings by hyperfine (a parameter scan over N and the mode),
# plus one in-process run of every part for the reaping and timeout figures.
set -eu
. "$HARNESS/lib.sh"

if [ "$QUICK" = 1 ]; then
    children=1,2,4,8 sleep=0.05 runs=3
else
    children=1,2,4,8,16,32 sleep=0.1 runs=5
fi
largest=${children##*,}

progress "52: hyperfine scan, serial and parallel, children $children, sleep $sleep s"
timed_scan "$RUN/52_children" --warmup 1 --runs "$runs" \
    -L mode serial,parallel -L n "$children" \
    --command-name '{mode} {n}' \
    "$BIN/52_subprocess --mode {mode} --children {n} --sleep $sleep"

progress "52: every part once, in process (capture, pipeline, timeout)"
"$BIN/52_subprocess" --csv --children "$largest" --sleep "$sleep" >"$RUN/52_parts.csv"

plot_lines "$RUN/52_children.csv" "$RUN/52_children" \
    title="Item 52: N children that each sleep $sleep s" \
    xlabel="children started (N)" ylabel="wall time for all N (s)" \
    xcol=parameter_n ycol=mean groupcol=parameter_mode groups="serial parallel" \
    labels="one_after_another all_at_once" logx=2 logy=10 \
    ideal="$sleep*x" idealtitle="N x sleep (serial ideal)"

# The figures the report states, all from this run.
serial=$(csv_value "$RUN/52_children.csv" mean parameter_mode=serial parameter_n="$largest")
parallel=$(csv_value "$RUN/52_children.csv" mean parameter_mode=parallel parameter_n="$largest")
ratio=$(calc "$serial / $parallel")
over_one=$(calc "$parallel / $sleep")
killed_after=$(csv_value "$RUN/52_parts.csv" wall_s mode=timeout)
leftover=$(awk -F, 'NR > 1 { s += $7 + $8 } END { print s + 0 }' "$RUN/52_parts.csv")
stall=$(csv_value "$RUN/52_parts.csv" timed_out mode=pipeline_forgot_close)
claim_ok=$(verdict "$parallel < 1.5 * $sleep && $ratio > $largest / 2")
clean_ok=$(verdict "$leftover == 0")

echo "| 52 | $largest sleeping children in parallel take about one child's time | $claim_ok: $(calc "$parallel") s against ${sleep} s for one, ${ratio}x faster than serial |" >"$RUN/52.verdicts"

{
    cat <<EOT
## Item 52: child processes ([items/52_subprocess](../../items/52_subprocess/README.md))

![Item 52 chart](52_children.svg)

**The book's claim:** children run in parallel with the parent and with each
other, so N children that each sleep take about one sleep, not N of them.

**Measured:** with $largest children sleeping $sleep s, one after another took
$(calc "$serial") s and all at once $(calc "$parallel") s: **${ratio}x faster**,
and ${over_one}x the time of a single sleep. **Verdict: $claim_ok.**

| N | serial (s) | parallel (s) | serial / parallel | parallel (user+sys) / wall |
|---:|---:|---:|---:|---:|
EOT
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { m = $c["parameter_mode"]; n = $c["parameter_n"]; mean[m, n] = $c["mean"]
          cpu[m, n] = $c["user"] + $c["system"]; if (!(n in seen)) { seen[n]; order[++k] = n } }
        END { for (j = 1; j <= k; j++) { n = order[j]
              printf "| %s | %.3f | %.3f | %.1f | %.3f |\n", n, mean["serial", n],
                     mean["parallel", n], mean["serial", n] / mean["parallel", n],
                     cpu["parallel", n] / mean["parallel", n] } }' "$RUN/52_children.csv"
    cat <<EOT

Times are hyperfine means of $runs runs after one warm-up, whole process
included ([52_children.json](52_children.json) keeps every run). The children
sleep, so the CPU column stays near zero: the parallel speedup here needs no
spare cores at all.

**Clean-up, from one in-process run** ([52_parts.csv](52_parts.csv)): a
\`sleep 30\` child with a 0.2 s deadline was killed and reaped after
$(calc "$killed_after") s; the pipeline whose parent forgot to close its copy
of the write end $([ "$stall" = 1 ] && echo "stalled until the late close" || echo "did not stall (unexpected)");
children left unreaped plus descriptors leaked, over every part: $leftover.
**Verdict: $clean_ok.**
EOT
} >"$RUN/52.md"
