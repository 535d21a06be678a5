#!/bin/sh
# Item 53: the GIL. In rounds (harness/README.md, "Measuring"): CPU-bound
# threads against serial and blocking threads against serial, one line per
# lock policy; computation beside blocking waits (overlap); the cost of the
# lock to an I/O thread beside a CPU-bound one (the convoy), in the model and
# in every CPython found; and a timeline of who holds the lock.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/53_threads_gil"
cores=$(getconf _NPROCESSORS_ONLN)
if [ "$QUICK" = 1 ]; then
    base="1 2" rounds=3 size=5000000 waits=1 wait_ms=10 overlap_waits=1 overlap_ms=40
    trips=10 pyquick=--quick
else
    base="1 2 4" rounds=5 size=20000000 waits=2 wait_ms=20 overlap_waits=1 overlap_ms=60
    trips=50 pyquick=
fi
# Thread counts: the base list, and the core count itself where it is missing.
# shellcheck disable=SC2086 # $base is a list on purpose
threads=$(printf '%s\n' $base "$cores" | awk '$1 <= 64' | sort -un | paste -sd, -)
interval_ms=5 echoes=0,100
timeline_new_ms=30 timeline_old_ms=10
# The CPythons looked for: the default one, Python 2 (the old GIL) and the
# free-threaded build. Each that runs gets its own line.
pythons_looked_for="python3 python2.7 python3.13t"

if measuring; then
    progress "53: CPU-bound, serial vs threads $threads, every policy, $rounds rounds"
    "$prog" --csv --mode cpu --threads "$threads" --size "$size" --rounds "$rounds" >"$RUN/53_cpu.csv"
    progress "53: blocking waits, serial vs threads $threads, every policy, $rounds rounds"
    "$prog" --csv --mode io --threads "$threads" --waits "$waits" --wait-ms "$wait_ms" \
        --rounds "$rounds" >"$RUN/53_io.csv"
    progress "53: computing beside $overlap_waits blocking waits of $overlap_ms ms, new GIL and none"
    for policy in new none; do
        "$prog" --csv --mode overlap --policy "$policy" --threads "$threads" \
            --waits "$overlap_waits" --wait-ms "$overlap_ms" --rounds "$rounds"
    done | awk 'NR == 1 || !/^mode,/' >"$RUN/53_overlap.csv"
    progress "53: convoy, $trips round trips, echo after $echoes us, unpinned and pinned to CPU 0"
    "$prog" --csv --mode convoy --trips "$trips" --echo-us "$echoes" --rounds "$rounds" \
        >"$RUN/53_convoy.csv"
    "$prog" --csv --mode convoy --trips "$trips" --echo-us "$echoes" --rounds "$rounds" --pin |
        tail -n +2 >>"$RUN/53_convoy.csv"
    # The old policy's stripes are a few microseconds each: 30 ms of them made
    # the CSV, JSON and SVG 1.3, 2 and 3 MB; 10 ms show the same thrashing.
    progress "53: timeline of the lock, new policy ($timeline_new_ms ms) and old ($timeline_old_ms ms)"
    "$prog" --csv --mode timeline --policy new --echo-us 100 --trace-ms "$timeline_new_ms" \
        --trace-json "$RUN/53_timeline_new.json" >"$RUN/53_timeline.csv"
    "$prog" --csv --mode timeline --policy old --echo-us 100 --trace-ms "$timeline_old_ms" \
        --trace-json "$RUN/53_timeline_old.json" | tail -n +2 >>"$RUN/53_timeline.csv"

    : >"$RUN/53_pythons.txt"
    for py in $pythons_looked_for; do
        "$py" -c 'import sys' >/dev/null 2>&1 || continue
        # The tag names the files and the line: 3.11, 2.7, 3.13t.
        tag=$("$py" -c 'import sys, sysconfig
t = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
print("%d.%d%s" % (sys.version_info[0], sys.version_info[1], t))')
        grep -q "^$tag\$" "$RUN/53_pythons.txt" && continue
        progress "53: the same in CPython $tag ($py)"
        "$py" "$HARNESS/python/53_gil.py" --mode speedup $pyquick --threads "$threads" \
            --rounds "$rounds" >"$RUN/53_python_$tag.csv"
        "$py" "$HARNESS/python/53_gil.py" --mode convoy --trips "$trips" --echo-us "$echoes" \
            --rounds "$rounds" >"$RUN/53_python_${tag}_convoy.csv"
        echo "$tag" >>"$RUN/53_pythons.txt"
    done
fi

# ---- Judging: everything below reads only the CSVs in $RUN.
largest=$(awk -F, 'NR > 1 && $3 > m { m = $3 } END { print m + 0 }' "$RUN/53_cpu.csv")
pythons=$(cat "$RUN/53_pythons.txt" 2>/dev/null || true)

# Chart inputs: per policy (and CPython) and thread count, the median
# speedup over rounds and its smallest and largest round.
speedup_chart() { # speedup_chart MODE
    {
        echo "policy,threads,speedup"
        awk -F, -v m="$1" 'NR > 1 && $1 == m { print $2 "," $3 "," $8 }' "$RUN/53_$1.csv"
        for tag in $pythons; do
            awk -F, -v m="$1" -v t="$tag" 'NR > 1 && $1 == m { print "cpython" t "," $2 "," $6 }' \
                "$RUN/53_python_$tag.csv"
        done
    } >"$RUN/53_$1_rounds.csv"
    summarize "$RUN/53_$1_rounds.csv" "$RUN/53_$1_chart.csv" policy,threads speedup
}
speedup_chart cpu
speedup_chart io
groups="new old none" labels="new_GIL_(3.2+) old_GIL_(2.x) no_GIL"
for tag in $pythons; do
    groups="$groups cpython$tag" labels="$labels CPython_$tag"
done

plot_lines "$RUN/53_cpu_chart.csv" "$RUN/53_cpu" \
    title="Item 53: CPU-bound work, T threads against serial ($cores cores)" \
    xlabel="threads (T), one number each" ylabel="speedup (serial time / threaded time)" \
    xcol=threads ycol=median lowcol=lo highcol=hi groupcol=policy groups="$groups" \
    labels="$labels" ymin=0 xtics=1 \
    ideal="x<$cores?x:$cores" idealtitle="ideal on $cores cores" \
    hline=1 hlinetitle="as fast as serial"
plot_lines "$RUN/53_io_chart.csv" "$RUN/53_io" \
    title="Item 53: blocking waits, T threads against serial" \
    xlabel="threads (T), each making blocking waits" ylabel="speedup (serial time / threaded time)" \
    xcol=threads ycol=median lowcol=lo highcol=hi groupcol=policy groups="$groups" \
    labels="$labels" ymin=0 xtics=1 ideal="x" idealtitle="ideal (waits need no core)"

# Overlap: wall time against T for the computation alone, the waits alone,
# their sum, the larger of the two, and both at once.
awk -F, 'NR == 1 { print "series,threads,ms"; next } $2 == "new" {
      print "compute," $3 "," $6 * 1000; print "io," $3 "," $7 * 1000
      print "sum," $3 "," $9 * 1000; print "max," $3 "," $10 * 1000
      print "both," $3 "," $8 * 1000 }' "$RUN/53_overlap.csv" >"$RUN/53_overlap_rounds.csv"
summarize "$RUN/53_overlap_rounds.csv" "$RUN/53_overlap_chart.csv" series,threads ms
overlap_ms_total=$(median "$RUN/53_overlap.csv" io_s policy=new)
plot_lines "$RUN/53_overlap_chart.csv" "$RUN/53_overlap" \
    title="Item 53: computing while T threads block (new GIL)" \
    xlabel="threads (T) making blocking waits beside the computation" ylabel="wall time (ms)" \
    xcol=threads ycol=median lowcol=lo highcol=hi groupcol=series groups="sum both max compute io" \
    labels="computation_+_waits_(sum) both_at_once_(measured) larger_of_the_two computation_alone waits_alone" \
    dashes="2 1 3 1 1" ymin=0 xtics=1

# Convoy: the median round trip beside a CPU-bound thread, per echo delay,
# for the model (unpinned) and every CPython; and alone, for scale.
{
    echo "who,echo_us,us"
    awk -F, 'NR > 1 && $5 == 0 { print $2 "," $3 "," $9; if ($2 == "new") print "alone," $3 "," $6 }' \
        "$RUN/53_convoy.csv"
    for tag in $pythons; do
        awk -F, -v t="$tag" 'NR > 1 { print "cpython" t "," $2 "," $6 }' \
            "$RUN/53_python_${tag}_convoy.csv"
    done
} >"$RUN/53_convoy_rounds.csv"
summarize "$RUN/53_convoy_rounds.csv" "$RUN/53_convoy_chart.csv" who,echo_us us
plot_lines "$RUN/53_convoy_chart.csv" "$RUN/53_convoy" \
    title="Item 53: a socket round trip beside one CPU-bound thread" \
    xlabel="delay of the echo server before each reply (us)" ylabel="median round trip (us)" \
    xcol=echo_us ycol=median lowcol=lo highcol=hi groupcol=who \
    groups="new old none $(for t in $pythons; do printf 'cpython%s ' "$t"; done)alone" \
    labels="model,_new_GIL model,_old_GIL model,_no_GIL $(for t in $pythons; do printf 'CPython_%s ' "$t"; done)alone_(model,_new_GIL)" \
    logy=10 xtics=100 xmin=-20 xmax=120 hline=$((interval_ms * 1000)) hlinetitle="switch interval (${interval_ms} ms)"

gnuplot -e "in='$RUN/53_timeline.csv'; out='$RUN/53_timeline'; caption='$CAPTION'; new_ms=$timeline_new_ms; old_ms=$timeline_old_ms" \
    "$HARNESS/plots/53_timeline.gp"

# ---- The verdicts, each on medians over rounds, each with its control.
sp() { spread "$RUN/53_$1.csv" speedup mode="$1" policy="$2" threads="$largest"; }
med() { median "$RUN/53_$1.csv" speedup mode="$1" policy="$2" threads="$largest"; }
cpu_new=$(med cpu new) cpu_old=$(med cpu old) cpu_none=$(med cpu none)
# The highest median speedup of the model, and where (policy, threads).
top_row=$(awk -F, 'NR > 1 && $1 ~ /^(new|old|none)$/ { print $3 " " $1 " " $2 }' \
    "$RUN/53_cpu_chart.csv" | sort -g | tail -n 1)
cpu_top=${top_row%% *} top_where=${top_row#* }
need=$(calc "0.75 * ($largest < $cores ? $largest : $cores)")
cpu_claim=$(decide "$cpu_new < 1.25 && $cpu_old < 1.25" \
    "$cpu_none >= $need && $cpu_top <= $cores * 1.05" \
    "$(if awk "BEGIN { exit !($cpu_top > $cores * 1.05) }"; then
           echo "a CPU-bound speedup of $(calc "$cpu_top")x (${top_where% *} policy, T=${top_where#* }) on $cores cores: the serial runs were slowed"
       else
           echo "the no-GIL control reached $(calc "$cpu_none")x with $largest threads on $cores cores, below $need"
       fi)")
# The control: the waits need no core and, without a GIL, no lock; if even
# the no-GIL threads fell short, sleeping threads were not woken on time.
io_new=$(med io new) io_old=$(med io old) io_none=$(med io none)
io_claim=$(decide "$io_new > 0.75 * $largest && $io_old > 0.75 * $largest" \
    "$io_none > 0.75 * $largest" \
    "without a GIL $largest waiting threads reached only $(calc "$io_none")x, below $(calc "0.75 * $largest"): sleeping threads were not woken on time")
# The control: without a GIL the waits and the computation overlap whatever
# the policy; if even they did not, threads were not getting a core when they
# woke (another job held the machine).
hidden=$(median "$RUN/53_overlap.csv" hidden policy=new threads="$largest")
hidden_none=$(median "$RUN/53_overlap.csv" hidden policy=none threads="$largest")
overlap_claim=$(decide "$hidden >= 0.5" "$hidden_none >= 0.75" \
    "without a GIL only $(calc "$hidden_none") of the shorter part was hidden, below 0.75: waking threads did not get a core")
conv() { median "$RUN/53_convoy.csv" "$4" policy="$1" echo_us="$2" pinned="$3"; }
conv_spread() { spread "$RUN/53_convoy.csv" slowdown policy="$1" echo_us="$2" pinned="$3"; }
new_busy=$(conv new 100 0 busy_p50_us) new_alone=$(conv new 100 0 alone_p50_us)
convoy_claim=$(decide "$new_busy >= 0.5 * $interval_ms * 1000 && $new_busy >= 5 * $new_alone" 1 "")

py_cpu="" py_io="" py_convoy=""
for tag in $pythons; do
    f="$RUN/53_python_$tag.csv"
    py_cpu="$py_cpu; CPython $tag $(spread "$f" speedup mode=cpu threads="$largest")"
    py_io="$py_io; CPython $tag $(spread "$f" speedup mode=io threads="$largest")"
    py_convoy="$py_convoy; CPython $tag $(spread "$RUN/53_python_${tag}_convoy.csv" slowdown echo_us=100)"
done
{
    echo "| 53 | CPU-bound threads under a GIL are no faster than serial | $cpu_claim: $largest threads, new GIL $(sp cpu new), old GIL $(sp cpu old); control, no GIL $(sp cpu none)$py_cpu |"
    echo "| 53 | K threads making blocking calls are about K times faster | $io_claim: $largest threads, new GIL $(sp io new), old GIL $(sp io old); control, no GIL $(sp io none)$py_io |"
    echo "| 53 | blocking calls overlap computation: both together take about the longer of the two | $overlap_claim: share of the shorter part hidden, new GIL $(spread "$RUN/53_overlap.csv" hidden policy=new threads="$largest" | sed 's/x//g') (1 = wall is the longer part, 0 = the sum); control, no GIL $(spread "$RUN/53_overlap.csv" hidden policy=none threads="$largest" | sed 's/x//g') |"
    echo "| 53 | the price: beside a CPU-bound thread a round trip waits about one switch interval (new GIL, the convoy) | $convoy_claim: slowdown $(conv_spread new 100 0) with a 100 us echo, median $(calc "$new_busy / 1000") ms$py_convoy |"
} >"$RUN/53.verdicts"

# The convoy's prose follows what this run measured: a busy machine can keep
# the CPU-bound thread off a core for the 100 us the I/O thread is away.
if awk "BEGIN { exit !($new_busy >= 0.5 * $interval_ms * 1000) }"; then
    convoy_reading="about one switch interval per round trip, the convoy that CPython's issue 7946 reported."
else
    convoy_reading="less than half a switch interval in this run. The convoy of CPython's issue 7946 needs the CPU-bound thread to take the lock while the I/O thread is away; for instance, on a busy machine it may not get a core within those 100 us. Pinned to CPU 0, where it runs whenever the I/O thread blocks, the median was $(calc "$(conv new 100 1 busy_p50_us) / 1000") ms."
fi

# ---- The report section.
# From the timeline: tl_median_run SCENE POLICY (median running stretch, ms),
# tl_count SCENE POLICY STATE (intervals), tl_share SCENE POLICY LABEL STATE
# (% of that thread's traced time in STATE).
tl_median_run() {
    awk -F, -v s="$1" -v p="$2" 'NR > 1 && $1 == s && $2 == p && $5 == "running" { print $7 - $6 }' \
        "$RUN/53_timeline.csv" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) printf "%.2g", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
tl_count() {
    awk -F, -v s="$1" -v p="$2" -v st="$3" 'NR > 1 && $1 == s && $2 == p && $5 == st { n++ } END { print n + 0 }' \
        "$RUN/53_timeline.csv"
}
tl_share() {
    awk -F, -v s="$1" -v p="$2" -v l="$3" -v st="$4" 'NR > 1 && $1 == s && $2 == p && $4 == l {
            all += $7 - $6; if ($5 == st) part += $7 - $6 }
        END { printf "%.0f", (all > 0 ? 100 * part / all : 0) }' "$RUN/53_timeline.csv"
}
cpu_per_wall() { # cpu_per_wall CSV POLICY THREADS: median of (user+sys) / wall over rounds
    awk -F, -v p="$2" -v t="$3" 'NR > 1 && $2 == p && $3 == t { print $9 / $7 }' "$1" |
        sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
speedup_table() { # per policy and thread count: median, spread, CPU use
    for p in new old none; do
        for t in $(echo "$threads_in" | tr ',' ' '); do
            printf '| %s | %s | %s | %s | %s | %s | %.0f |\n' "$p" "$t" \
                "$(calc "$(median "$1" serial_s policy="$p" threads="$t")")" \
                "$(calc "$(median "$1" wall_s policy="$p" threads="$t")")" \
                "$(spread "$1" speedup policy="$p" threads="$t")" \
                "$(cpu_per_wall "$1" "$p" "$t")" \
                "$(median "$1" acquisitions policy="$p" threads="$t")"
        done
    done
}
threads_in=$(awk -F, 'NR > 1 { print $3 }' "$RUN/53_cpu.csv" | sort -un | paste -sd, -)
python_note="No CPython ran on this machine (looked for: $pythons_looked_for), so only the C model was measured."
[ -n "$pythons" ] && python_note="CPythons looked for: $pythons_looked_for; found and run: $(echo "$pythons" | sed 's/ /, /g')."
convoy_rows() { # per policy, pinning and echo delay: medians and spread over rounds
    for pin in 0 1; do
        for p in new old none; do
            for e in $(echo "$echoes" | tr ',' ' '); do
                f="$RUN/53_convoy.csv"
                printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$p" \
                    "$([ "$pin" = 1 ] && echo yes || echo no)" "$e" \
                    "$(median "$f" alone_p50_us policy="$p" pinned="$pin" echo_us="$e")" \
                    "$(median "$f" busy_p50_us policy="$p" pinned="$pin" echo_us="$e")" \
                    "$(spread "$f" slowdown policy="$p" pinned="$pin" echo_us="$e")" \
                    "$(stat "$f" busy_trips policy="$p" pinned="$pin" echo_us="$e" | cut -d' ' -f2)"
            done
        done
    done
    for tag in $pythons; do
        for e in $(echo "$echoes" | tr ',' ' '); do
            f="$RUN/53_python_${tag}_convoy.csv"
            printf '| CPython %s | no | %s | %s | %s | %s | %s |\n' "$tag" "$e" \
                "$(median "$f" alone_p50_us echo_us="$e")" "$(median "$f" busy_p50_us echo_us="$e")" \
                "$(spread "$f" slowdown echo_us="$e")" \
                "$(stat "$f" busy_trips echo_us="$e" | cut -d' ' -f2)"
        done
    done
}
{
    cat <<EOT
## Item 53: threads for blocking I/O, not for parallelism ([items/53_threads_gil](../../items/53_threads_gil/README.md))

A lock modelled on CPython's GIL (\`items/53_threads_gil/gil.c\`), under three
policies: **new** (CPython 3.2 and later: a waiter asks for the lock after a
${interval_ms} ms switch interval and the holder hands it over), **old** (CPython 2:
release and retry every 100 ticks, no hand-off) and **none** (free-threaded).
This machine has $cores cores. Every comparison ran in interleaved rounds: a
figure is the median over the rounds, with the smallest and largest round.
$python_note

![Item 53, CPU-bound](53_cpu.svg)

**The book's claim:** CPU-bound threads under the GIL are no faster than doing
the same work one piece after another.

**Measured:** counting the divisors of $largest numbers on $largest threads ran at
**$(sp cpu new)** the serial speed under the new GIL and **$(sp cpu old)** under the
old, where the threads contend for the lock at every check interval (thousands
of forced drops; (user+sys)/wall $(cpu_per_wall "$RUN/53_cpu.csv" old "$largest") against $(cpu_per_wall "$RUN/53_cpu.csv" new "$largest") for the new
GIL: above 1 means both cores burnt time while one computed). The
control, the same threads with no GIL, reached **$(sp cpu none)**: the verdict
counts only when it shows the cores were free (at least $need, and no
speedup above $cores).
EOT
    for tag in $pythons; do
        echo "CPython $tag on the same machine: **$(spread "$RUN/53_python_$tag.csv" speedup mode=cpu threads="$largest")**."
    done
    cat <<EOT

**Verdict: $cpu_claim.**

| policy | threads | serial (s) | threaded (s) | speedup, median (range) | (user+sys) / wall | lock taken |
|---|---:|---:|---:|---|---:|---:|
$(speedup_table "$RUN/53_cpu.csv")

![Item 53, I/O-bound](53_io.svg)

**The book's claim:** K threads that each make blocking system calls finish
about K times sooner than the same calls made one after another, GIL or not,
because a thread puts the lock down while it waits in the kernel.

**Measured:** $largest threads each making blocking waits (\`poll\` with no
descriptors) were **$(sp io new)** faster than serial under the new GIL,
**$(sp io old)** under the old and **$(sp io none)** with none. The no-GIL run is
the control: the waits need no core, but the threads must be woken on time;
when even they fall below 0.75 x T the verdict is inconclusive.
EOT
    for tag in $pythons; do
        echo "CPython $tag (\`select.select([], [], [], t)\`): **$(spread "$RUN/53_python_$tag.csv" speedup mode=io threads="$largest")**."
    done
    cat <<EOT

**Verdict: $io_claim.**

| policy | threads | serial (s) | threaded (s) | speedup, median (range) | (user+sys) / wall | lock taken |
|---|---:|---:|---:|---|---:|---:|
$(speedup_table "$RUN/53_io.csv")

![Item 53, computing beside blocking waits](53_overlap.svg)

**The book's claim:** a thread can compute while others block in system
calls; the two overlap, so together they take about as long as the longer of
the two, not their sum.

**Measured:** this thread counted divisors (sized to take about as long as the
waits) while T threads each made blocking waits, $(calc "$overlap_ms_total * 1000") ms in all
per thread. Under the new GIL with $largest waiting threads, both at once took
$(calc "$(median "$RUN/53_overlap.csv" both_s policy=new threads="$largest")") s against $(calc "$(median "$RUN/53_overlap.csv" sum_s policy=new threads="$largest")") s for the sum and
$(calc "$(median "$RUN/53_overlap.csv" max_s policy=new threads="$largest")") s for the longer part: the share of the shorter part that
disappeared was **$(spread "$RUN/53_overlap.csv" hidden policy=new threads="$largest" | sed 's/x//g')** (1: wall time is the
longer part; 0: it is the sum). It falls short of 1 by the convoy below: every
wait ends with a wait for the computing thread to hand over the lock (and a
new thread, like a new Python thread, must first take the lock to start). The
control, no GIL: $(spread "$RUN/53_overlap.csv" hidden policy=none threads="$largest" | sed 's/x//g').

**Verdict: $overlap_claim.**

![Item 53, convoy](53_convoy.svg)

**The price (not a claim of the book):** a thread doing I/O must take the lock
back after every blocking call. Beside one CPU-bound thread, a socket round
trip to an echo server that replies after 100 us had a median of
**$(calc "$new_busy / 1000") ms under the new GIL**, against $(calc "$new_alone / 1000") ms alone
(slowdown $(conv_spread new 100 0)): $convoy_reading The old policy puts the lock
down every 100 ticks (a few microseconds), so the I/O thread gets back in
almost at once ($(conv_spread old 100 0)); with no GIL, $(conv_spread none 100 0).

With an instant echo (0 us) the outcome is a race. The reply is back within a
few microseconds; the CPU-bound thread, woken on the other core when the I/O
thread put the lock down to write, needs about as long or longer to wake up.
If the I/O thread takes the lock back first, the CPU-bound thread finds it
taken again at every wake-up and, since the lock did change hands meanwhile,
never asks for a drop: no convoy at all (the CPU-bound thread is the one that
waits). If the CPU-bound thread wins once, it holds the lock and the I/O
thread waits out a whole switch interval, and from then on it is the convoy.
Both states sustain themselves, so a round tends to be all one or all the
other, and which one depends on where the scheduler put each thread and on
what else the machine is doing: the result flips between runs, and
sometimes between rounds, from no convoy at all to hundreds
of times slower. One figure from one run means little; the spread is the
result. In this run: model (new GIL, unpinned) $(conv_spread new 0 0), round by round
$(awk -F, 'NR > 1 && $2 == "new" && $3 == 0 && $5 == 0 { printf "%s%.3gx", n++ ? ", " : "", $12 }' "$RUN/53_convoy.csv")$(for t in $pythons; do printf '; CPython %s %s, round by round %s' "$t" "$(spread "$RUN/53_python_${t}_convoy.csv" slowdown echo_us=0)" "$(awk -F, 'NR > 1 && $2 == 0 { printf "%s%.3gx", n++ ? ", " : "", $9 }' "$RUN/53_python_${t}_convoy.csv")"; done).
Pinned to CPU 0 (\`--pin\`): $(conv_spread new 0 1).

**Verdict: $convoy_claim.**

| lock | pinned to CPU 0 | echo delay (us) | alone, median (us) | beside a CPU thread, median (us) | slowdown, median (range) | fewest trips in a round |
|---|---|---:|---:|---:|---|---:|
$(convoy_rows)

A round with 0 trips means the I/O thread never got the lock back in time
(starved); its figure is then the time it waited, a lower bound.

[![Item 53, who holds the lock](53_timeline.png)](53_timeline.svg)

**Who holds the lock.** Every move of the lock (\`--mode timeline\`), for $timeline_new_ms ms
under the new GIL and $timeline_old_ms ms under the old (its stripes are microseconds wide).
Two CPU-bound threads under the new GIL took turns in stretches of
$(tl_median_run cpu new) ms (median; the switch interval is ${interval_ms} ms), one running while the
other waits. Under the old GIL the lock changed hands or was retaken
$(tl_count cpu old running) times in those $timeline_old_ms ms (each thin stripe is a forced
drop and a retake): both threads busy, one of them always waiting. Beside a
CPU-bound thread, the new GIL's I/O thread spent $(tl_share convoy new "I/O thread" waiting)% of its time
waiting for the lock and $(tl_share convoy new "I/O thread" syscall)% in its system calls; under the old
GIL, $(tl_share convoy old "I/O thread" waiting)% and $(tl_share convoy old "I/O thread" syscall)%.
The same events as Chrome trace-event JSON, for https://ui.perfetto.dev or
chrome://tracing: [53_timeline_new.json](53_timeline_new.json),
[53_timeline_old.json](53_timeline_old.json).

Raw data: [53_cpu.csv](53_cpu.csv), [53_io.csv](53_io.csv),
[53_overlap.csv](53_overlap.csv), [53_convoy.csv](53_convoy.csv),
[53_timeline.csv](53_timeline.csv)$(for t in $pythons; do printf ', [53_python_%s.csv](53_python_%s.csv), [53_python_%s_convoy.csv](53_python_%s_convoy.csv)' "$t" "$t" "$t" "$t"; done).
EOT
} >"$RUN/53.md"
