#!/bin/sh
# Item 64: true parallelism. Speedup against serial for a thread pool under the
# GIL-like lock, the same pool without it, and a process pool that ships its
# work through pipes; then what shipping costs as the work per message shrinks;
# and CPython's own executors, if present.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/64_true_parallelism"
cores=$(getconf _NPROCESSORS_ONLN)
if [ "$QUICK" = 1 ]; then
    base="1 2 4" pairs=40 runs=2 pyquick=--quick
    batches=1,8,64,512 ship_sizes="1000:40000 100000:400"
else
    base="1 2 3 4" pairs=150 runs=3 pyquick=
    batches=1,4,16,64,256,1024,4096 ship_sizes="1000:120000 10000:12000 100000:1200"
fi
# Worker counts: the base list, and the core count itself where it is missing.
# shellcheck disable=SC2086 # $base is a list on purpose
workers=$(printf '%s\n' $base "$cores" | awk '$1 <= 64' | sort -un | paste -sd, -)
largest=${workers##*,}

progress "64: serial, threads_gil, threads, processes at workers $workers (best of $runs)"
"$prog" --csv --workers "$workers" --pairs "$pairs" --runs "$runs" >"$RUN/64_scaling.csv"

progress "64: process pool on $cores workers, batch $batches, work per pair varied"
: >"$RUN/64_shipping.csv"
for size_pairs in $ship_sizes; do
    size=${size_pairs%%:*} n=${size_pairs#*:}
    "$prog" --csv --executor processes --workers "$cores" --pairs "$n" --size "$size" \
        --batch "$batches" --runs "$runs" >"$RUN/64_shipping_one.csv"
    # One header for the whole file.
    if [ -s "$RUN/64_shipping.csv" ]; then
        tail -n +2 "$RUN/64_shipping_one.csv" >>"$RUN/64_shipping.csv"
    else
        cat "$RUN/64_shipping_one.csv" >"$RUN/64_shipping.csv"
    fi
done
rm -f "$RUN/64_shipping_one.csv"

python_note="CPython was not available on this machine, so only the C model was run."
if command -v python3 >/dev/null 2>&1; then
    progress "64: the same in CPython ($(python3 --version 2>&1)), workers $workers"
    python3 "$HARNESS/python/64_gcd.py" $pyquick --workers "$workers" >"$RUN/64_python.csv"
    python_note=""
fi

# ---- Charts
# Speedup vs workers: one line per executor, CPython's beside where it ran.
{
    echo "executor,workers,speedup"
    awk -F, 'NR > 1 && $1 != "serial" { print $1 "," $2 "," $9 }' "$RUN/64_scaling.csv"
    # if, not &&: a false test as the block's last command would fail the script
    if [ -f "$RUN/64_python.csv" ]; then
        awk -F, 'NR > 1 && $1 != "serial" { print "cpython_" $1 "," $2 "," $5 }' "$RUN/64_python.csv"
    fi
} >"$RUN/64_scaling_chart.csv"
groups="threads_gil threads processes"
labels="thread_pool_under_the_GIL thread_pool,_no_GIL process_pool_(fork_+_pipes)"
if [ -f "$RUN/64_python.csv" ]; then
    pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    groups="$groups cpython_threads cpython_processes"
    labels="$labels CPython_${pyver}_ThreadPoolExecutor CPython_${pyver}_ProcessPoolExecutor"
fi
plot_lines "$RUN/64_scaling_chart.csv" "$RUN/64_scaling" \
    title="Item 64: gcd by counting down, speedup against serial ($cores cores)" \
    xlabel="workers in the pool" ylabel="speedup (serial time / pool time)" \
    xcol=workers ycol=speedup xtics=1 groupcol=executor groups="$groups" labels="$labels" ymin=0 \
    ideal="x<$cores?x:$cores" idealtitle="ideal: min(workers, $cores cores)"

# Speedup vs batch: one line per size of number (work per pair).
sizes="" size_labels=""
for size_pairs in $ship_sizes; do
    size=${size_pairs%%:*}
    sizes="$sizes $size"
    size_labels="$size_labels numbers_up_to_$size"
done
plot_lines "$RUN/64_shipping.csv" "$RUN/64_shipping" \
    title="Item 64: process pool on $cores workers, pairs per message" \
    xlabel="pairs per message (batch, chunksize)" ylabel="speedup (serial time / pool time)" \
    xcol=batch ycol=speedup groupcol=size groups="${sizes# }" labels="${size_labels# }" \
    logx=2 ymin=0 ideal="$cores" idealtitle="ideal on $cores cores"

# ---- The figures the report states, all from this run.
at=$cores
[ "$cores" -le 64 ] || at=$largest
scaling() { csv_value "$RUN/64_scaling.csv" "$2" executor="$1" workers="$at"; }
serial_s=$(calc "$(csv_value "$RUN/64_scaling.csv" wall_s executor=serial)")
gil_x=$(calc "$(scaling threads_gil speedup)")
threads_x=$(calc "$(scaling threads speedup)")
proc_x=$(calc "$(scaling processes speedup)")
proc_ship=$(scaling processes ship_s) proc_compute=$(scaling processes compute_s)
proc_ship_pct=$(calc "100 * $proc_ship / ($proc_ship + $proc_compute)")
gil_best=$(awk -F, 'NR > 1 && $1 == "threads_gil" && $9 > m { m = $9 } END { printf "%.3g", m }' "$RUN/64_scaling.csv")
gil_ok=$(verdict "$gil_best < 1.25")
proc_ok=$(verdict "$proc_x > 0.75 * $at")

small=${ship_sizes%% *} small_size=${small%%:*} small_pairs=${small#*:}
ship() { csv_value "$RUN/64_shipping.csv" "$2" size="$small_size" batch="$1"; }
batch1_x=$(calc "$(ship 1 speedup)")
batch1_ship=$(ship 1 ship_s) batch1_compute=$(ship 1 compute_s)
per_message_us=$(calc "1e6 * $batch1_ship / $small_pairs")
per_pair_us=$(calc "1e6 * $batch1_compute / $small_pairs")
best_line=$(awk -F, -v s="$small_size" 'NR > 1 && $4 == s && $9 > m { m = $9; b = $5 }
    END { printf "%s %.3g", b, m }' "$RUN/64_shipping.csv")
best_batch=${best_line% *} best_x=${best_line#* }
ship_ok=$(verdict "$batch1_x < 1 && $best_x > 0.75 * $cores")
# A neighbour holding a core caps every pool, GIL or not. The pool without a
# GIL shows what parallelism this run could get; say so when it fell short.
busy_note=""
if [ "$(verdict "$threads_x < 0.75 * $at")" = reproduced ]; then
    busy_note=" (the machine was busy: the thread pool without a GIL reached only ${threads_x}x)"
fi

py_gil="not run" py_proc="not run" py_gil_note="" py_proc_note=""
if [ -f "$RUN/64_python.csv" ]; then
    py_gil=$(calc "$(csv_value "$RUN/64_python.csv" speedup executor=threads workers="$at")")
    py_proc=$(calc "$(csv_value "$RUN/64_python.csv" speedup executor=processes workers="$at")")
    py_gil_note=" (CPython: $(verdict "$py_gil < 1.25"), ${py_gil}x)"
    py_proc_note=" (CPython: $(verdict "$py_proc > 0.75 * $at"), ${py_proc}x)"
fi

{
    echo "| 64 | a thread pool under a GIL gives CPU-bound work no speedup | $gil_ok: ${gil_best}x at best over workers $workers, against ${threads_x}x for the same pool without the GIL$py_gil_note |"
    echo "| 64 | a process pool gives about one speedup per core, less shipping | $proc_ok: ${proc_x}x on $at workers ($cores cores), ${proc_ship_pct}% of worker time spent shipping$py_proc_note$busy_note |"
    echo "| 64 | shipping costs more than the parallel gain when a message carries too little work | $ship_ok: ${batch1_x}x at one pair per message (numbers up to $small_size), ${best_x}x at $best_batch per message |"
} >"$RUN/64.verdicts"

{
    cat <<EOT
## Item 64: concurrent.futures for true parallelism ([items/64_true_parallelism](../../items/64_true_parallelism/README.md))

The greatest common divisor of $pairs number pairs, found the slow way (count
down from the smaller number), serially in $serial_s s and then by three pools:
a thread pool whose workers hold the GIL-like lock of item 53 while they
compute (\`threads_gil\`, policy \`new\`), the same pool without it (\`threads\`),
and a pool of forked worker processes that get their pairs and send back their
results as bytes through pipes (\`processes\`). Every result is checked against
the serial one. This machine has **$cores cores**, so the best possible speedup
is ${cores}x; each time is the fastest of $runs run(s).

![Item 64, speedup vs workers](64_scaling.svg)

**The book's claims:** threads under the GIL give no speedup to CPU-bound work;
a process pool gives about one per core, minus the cost of shipping the data.

**Measured on $at workers:** thread pool under the GIL **${gil_x}x** (at best
${gil_best}x over all worker counts), the same pool without the GIL
**${threads_x}x**, the process pool **${proc_x}x**, its workers spending
${proc_ship_pct}% of their time on serialising and shipping rather than computing.
EOT
    [ -n "$busy_note" ] &&
        echo "Other work shared this machine during the run$busy_note; no pool can beat that."
    [ -f "$RUN/64_python.csv" ] &&
        echo "CPython $pyver on the same machine: ThreadPoolExecutor **${py_gil}x**, ProcessPoolExecutor **${py_proc}x**."
    cat <<EOT
**Verdicts: threads under a GIL, $gil_ok; processes, $proc_ok.**

| executor | workers | wall (s) | speedup | worker-s computing | worker-s shipping | (user+sys) / wall | GIL switches |
|---|---:|---:|---:|---:|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| %s | %s | %.3f | %.2f | %.3f | %.3f | %.2f | %s |\n",
    $1, $2, $7, $9, $10, $11, $12 / $7, $14 }' "$RUN/64_scaling.csv")
EOT
    if [ -f "$RUN/64_python.csv" ]; then
        cat <<EOT

CPython ([64_python.csv](64_python.csv), \`harness/python/64_gcd.py\`, 16 pairs, \`pool.map\` with chunksize 1):

| executor | workers | wall (s) | speedup |
|---|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| %s | %s | %.3f | %.2f |\n", $1, $2, $3, $5 }' "$RUN/64_python.csv")
EOT
    fi
    cat <<EOT

![Item 64, shipping cost](64_shipping.svg)

**When shipping costs more than the gain:** the process pool on $cores workers,
with the pairs cut into messages of 1 to ${batches##*,} pairs. With numbers up to
$small_size a pair takes about ${per_pair_us} us to compute, while a one-pair
message costs about ${per_message_us} us of worker time to serialise, send,
answer and read back: one pair per message ran at **${batch1_x}x** the serial
speed, and $best_batch pairs per message at **${best_x}x**. With bigger numbers
the same round trip is a smaller share of each message. Too large a batch fails
the other way: when there are fewer messages than workers, some workers sit
idle. **Verdict: $ship_ok.**

| numbers up to | pairs | pairs per message | wall (s) | speedup | worker-s computing | worker-s shipping |
|---:|---:|---:|---:|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| %s | %s | %s | %.4f | %.2f | %.4f | %.4f |\n",
    $4, $3, $5, $7, $9, $10, $11 }' "$RUN/64_shipping.csv")

Worker-seconds are summed over workers: for each message, the time from the
parent starting to serialise it to the parent having read the reply, minus the
worker's compute time, is shipping. Children left unreaped plus descriptors
leaked, over every row: $(awk -F, 'FNR > 1 { s += $15 + $16 } END { print s + 0 }' "$RUN/64_scaling.csv" "$RUN/64_shipping.csv").
Raw data: [64_scaling.csv](64_scaling.csv), [64_shipping.csv](64_shipping.csv)$([ -f "$RUN/64_python.csv" ] && echo ", [64_python.csv](64_python.csv)").
$python_note
EOT
} >"$RUN/64.md"
