#!/bin/sh
# Item 53: the GIL. CPU-bound threads against serial, blocking threads against
# serial, one line per lock policy; the cost of the lock to an I/O thread that
# shares it with a CPU-bound one (the convoy); and CPython itself, if present.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/53_threads_gil"
cores=$(getconf _NPROCESSORS_ONLN)
if [ "$QUICK" = 1 ]; then
    threads=1,2,4 size=20000000 waits=3 wait_ms=10 trips=50 pyquick=--quick
else
    threads=1,2,3,4 size=50000000 waits=5 wait_ms=20 trips=200 pyquick=
fi
largest=${threads##*,}

progress "53: CPU-bound, serial vs threads $threads, every policy"
"$prog" --csv --mode cpu --threads "$threads" --size "$size" >"$RUN/53_cpu.csv"
progress "53: blocking waits, serial vs threads $threads, every policy"
"$prog" --csv --mode io --threads "$threads" --waits "$waits" --wait-ms "$wait_ms" >"$RUN/53_io.csv"
progress "53: convoy, $trips round trips per policy, unpinned and pinned to CPU 0"
"$prog" --csv --mode convoy --trips "$trips" >"$RUN/53_convoy.csv"
"$prog" --csv --mode convoy --trips "$trips" --pin | tail -n +2 >>"$RUN/53_convoy.csv"

python_note="CPython was not available on this machine, so only the C model was run."
python_link=""
if command -v python3 >/dev/null 2>&1; then
    progress "53: the same in CPython ($(python3 --version 2>&1))"
    python3 "$HARNESS/python/53_gil.py" $pyquick --threads "$threads" >"$RUN/53_python.csv"
    python_note="" python_link=", [53_python.csv](53_python.csv)"
fi

# Chart input: the C rows for one mode, with CPython's beside them as a
# fifth "policy" where it ran. Columns: policy,threads,speedup.
chart_csv() {
    mode=$1
    {
        echo "policy,threads,speedup"
        awk -F, 'NR > 1 { print $2 "," $3 "," $7 }' "$RUN/53_$mode.csv"
        if [ -f "$RUN/53_python.csv" ]; then
            awk -F, -v m="$mode" 'NR > 1 && $1 == m { print "cpython," $2 "," $5 }' "$RUN/53_python.csv"
        fi
    } >"$RUN/53_${mode}_chart.csv"
}
chart_csv cpu
chart_csv io
groups="new old none" labels="new_GIL_(3.2+) old_GIL_(2.x) no_GIL"
if [ -f "$RUN/53_python.csv" ]; then
    groups="$groups cpython" labels="$labels CPython_$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
fi

plot_lines "$RUN/53_cpu_chart.csv" "$RUN/53_cpu" \
    title="Item 53: CPU-bound work, T threads against serial ($cores cores)" \
    xlabel="threads (T), one number each" ylabel="speedup (serial time / threaded time)" \
    xcol=threads ycol=speedup groupcol=policy groups="$groups" labels="$labels" ymin=0 xtics=1 \
    ideal="x<$cores?x:$cores" idealtitle="ideal on $cores cores"
plot_lines "$RUN/53_io_chart.csv" "$RUN/53_io" \
    title="Item 53: blocking waits, T threads against serial" \
    xlabel="threads (T), each making $waits waits of $wait_ms ms" ylabel="speedup (serial time / threaded time)" \
    xcol=threads ycol=speedup groupcol=policy groups="$groups" labels="$labels" ymin=0 xtics=1 \
    ideal="x" idealtitle="ideal (waits need no core)"

# Convoy chart: unpinned round-trip percentiles per policy, alone and beside
# one CPU-bound thread.
awk -F, 'NR == 1 { print "policy,series,us"; next } $4 == 0 {
        when = $3 == 0 ? "alone" : "busy"
        print $2 "," when "_p50," $13; print $2 "," when "_p99," $14 }' \
    "$RUN/53_convoy.csv" >"$RUN/53_convoy_chart.csv"
plot_bars "$RUN/53_convoy_chart.csv" "$RUN/53_convoy" \
    title="Item 53: socket round trips beside a CPU-bound thread (unpinned)" \
    ylabel="round-trip time (microseconds)" logy=10 \
    catcol=policy cats="new old none" catlabels="new_GIL_(3.2+) old_GIL_(2.x) no_GIL" \
    groupcol=series groups="alone_p50 busy_p50 alone_p99 busy_p99" \
    labels="alone,_median beside_CPU_thread,_median alone,_99th beside_CPU_thread,_99th" ycol=us

# ---- The figures the report states, all from this run.
cpu() { csv_value "$RUN/53_cpu.csv" "$2" policy="$1" threads="$largest"; }
io() { csv_value "$RUN/53_io.csv" "$2" policy="$1" threads="$largest"; }
convoy() { csv_value "$RUN/53_convoy.csv" "$4" policy="$1" threads="$2" pinned="$3"; }
cpu_new=$(calc "$(cpu new speedup)") cpu_old=$(calc "$(cpu old speedup)")
cpu_none=$(calc "$(cpu none speedup)")
io_new=$(calc "$(io new speedup)") io_old=$(calc "$(io old speedup)")
io_none=$(calc "$(io none speedup)")
gil_max=$(calc "($cpu_new > $cpu_old ? $cpu_new : $cpu_old)")
cpu_ok=$(verdict "$cpu_new < 1.25 && $cpu_old < 1.25")
io_ok=$(verdict "$io_new > 0.75 * $largest && $io_old > 0.75 * $largest")
py_cpu="not run" py_io="not run" py_cpu_ok="" py_io_ok=""
if [ -f "$RUN/53_python.csv" ]; then
    py_cpu=$(calc "$(csv_value "$RUN/53_python.csv" speedup mode=cpu threads="$largest")")
    py_io=$(calc "$(csv_value "$RUN/53_python.csv" speedup mode=io threads="$largest")")
    py_cpu_ok=" (CPython: $(verdict "$py_cpu < 1.25"), ${py_cpu}x)"
    py_io_ok=" (CPython: $(verdict "$py_io > 0.75 * $largest"), ${py_io}x)"
fi
interval_ms=5
# Without a GIL the threads should use every core; if they did not, the
# machine was busy with something else and every ratio here is suspect.
busy_note=""
if awk "BEGIN { exit !($cores >= 2 && $largest >= 2 && $cpu_none < 1.5) }"; then
    busy_note="**Caution:** with no GIL the $largest threads reached only ${cpu_none}x on $cores cores,
so other work was competing for the CPUs during this run; rerun on an idle machine."
fi
new_busy=$(convoy new 1 0 p50_us) new_alone=$(convoy new 0 0 p50_us)
old_busy=$(convoy old 1 0 p50_us) none_busy=$(convoy none 1 0 p50_us)

{
    echo "| 53 | CPU-bound threads under a GIL are no faster than serial | $cpu_ok: $largest threads ${gil_max}x at best under the GIL (new ${cpu_new}x, old ${cpu_old}x), ${cpu_none}x without it$py_cpu_ok |"
    echo "| 53 | K threads making blocking calls are about K times faster | $io_ok: $largest threads ${io_new}x under the new GIL, ${io_old}x under the old$py_io_ok |"
} >"$RUN/53.verdicts"

table() { # table CSV: per policy and thread count, the speedup and CPU use
    awk -F, 'NR > 1 { printf "| %s | %s | %.3f | %.3f | %.2f | %.2f | %ld | %ld |\n",
        $2, $3, $5, $6, $7, $8 / $6, $9, $10 }' "$1"
}

{
    cat <<EOT
## Item 53: threads for blocking I/O, not for parallelism ([items/53_threads_gil](../../items/53_threads_gil/README.md))

A lock modelled on CPython's GIL (\`items/53_threads_gil/gil.c\`), under three
policies: **new** (CPython 3.2 and later: a waiter asks for the lock after a
${interval_ms} ms switch interval and the holder hands it over), **old** (CPython 2:
release and retry every 100 ticks, no hand-off) and **none** (free-threaded).
This machine has $cores cores.

![Item 53, CPU-bound](53_cpu.svg)

**The book's claim:** CPU-bound threads under the GIL are no faster than doing
the same work one piece after another.

**Measured:** counting the divisors of $largest numbers on $largest threads was
**${cpu_new}x** the serial speed under the new GIL and **${cpu_old}x** under the old
(threads fight over the lock: more CPU burnt, less work done), against
**${cpu_none}x** with no GIL at all, where $cores cores is the ceiling.
$busy_note
EOT
    if [ -f "$RUN/53_python.csv" ]; then
        echo "CPython on the same machine: **${py_cpu}x**."
    fi
    cat <<EOT
**Verdict: $cpu_ok.**

| policy | threads | serial (s) | threaded (s) | speedup | (user+sys) / wall | lock taken | forced drops |
|---|---:|---:|---:|---:|---:|---:|---:|
$(table "$RUN/53_cpu.csv")

![Item 53, I/O-bound](53_io.svg)

**The book's claim:** K threads that each make blocking system calls finish
about K times sooner than the same calls made one after another, GIL or not,
because a thread puts the lock down while it waits in the kernel.

**Measured:** $largest threads each making $waits blocking waits of $wait_ms ms
(\`poll\` with no descriptors) were **${io_new}x** faster than serial under the new
GIL, **${io_old}x** under the old and **${io_none}x** with none.
EOT
    if [ -f "$RUN/53_python.csv" ]; then
        echo "CPython (\`select.select([], [], [], t)\`): **${py_io}x**."
    fi
    cat <<EOT
**Verdict: $io_ok.**

| policy | threads | serial (s) | threaded (s) | speedup | (user+sys) / wall | lock taken | forced drops |
|---|---:|---:|---:|---:|---:|---:|---:|
$(table "$RUN/53_io.csv")

![Item 53, convoy](53_convoy.svg)

**The price (not a claim of the book):** a thread doing I/O must take the lock
back after every blocking call. Beside one CPU-bound thread, a socket round
trip (two blocking calls, with a 100 us echo delay standing for the network)
had a median of **$(calc "$new_busy / 1000") ms under the new GIL**, against $(calc "$new_alone / 1000") ms
alone: about $(calc "$new_busy / 1000 / $interval_ms") switch intervals per round trip, the
convoy effect that CPython's issue 7946 reported. The old policy retries every
100 ticks, so the I/O thread got back in sooner ($(calc "$old_busy / 1000") ms) at the cost of the
CPU-bound thread's throughput; with no GIL, $(calc "$none_busy / 1000") ms.

| policy | pinned to CPU 0 | CPU-bound threads beside | median (us) | 99th (us) | trips | lock taken | forced drops |
|---|---|---:|---:|---:|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| %s | %s | %s | %.0f | %.0f | %s | %s | %s |\n",
    $2, $4 ? "yes" : "no", $3, $13, $14, $15, $9, $10 }' "$RUN/53_convoy.csv")

Raw data: [53_cpu.csv](53_cpu.csv), [53_io.csv](53_io.csv),
[53_convoy.csv](53_convoy.csv)$python_link.
$python_note
EOT
} >"$RUN/53.md"
