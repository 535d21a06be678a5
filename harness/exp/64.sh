#!/bin/sh
# Item 64: true parallelism. Speedup against serial for a thread pool under the
# GIL-like lock, the same pool without it, and a process pool that ships its
# work through pipes; then what shipping costs as the work per message shrinks;
# and CPython's own executors, if present. Every comparison is interleaved in
# rounds and judged on the median (harness/README.md, "Measuring").
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/64_true_parallelism"
cores=$(getconf _NPROCESSORS_ONLN)
if [ "$QUICK" = 1 ]; then
    base="1 2 4" pairs=40 rounds=3 pyquick=--quick pyrounds=2
    batches=1,8,64,512 ship_sizes="1000:30000 100000:300"
else
    base="1 2 4" pairs=100 rounds=5 pyquick= pyrounds=3
    batches=1,4,16,64,256,1024,4096 ship_sizes="1000:60000 10000:6000 100000:600"
fi
# Worker counts: the base list, and the core count itself where it is missing.
# shellcheck disable=SC2086 # $base is a list on purpose
workers=$(printf '%s\n' $base "$cores" | awk '$1 <= 64' | sort -un | paste -sd, -)
largest=${workers##*,}
at=$cores
[ "$cores" -le 64 ] || at=$largest
pyver=""
command -v python3 >/dev/null 2>&1 &&
    pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')

if measuring; then
    progress "64: serial, threads_gil, threads, processes at workers $workers ($rounds interleaved rounds)"
    "$prog" --csv --workers "$workers" --pairs "$pairs" --rounds "$rounds" >"$RUN/64_scaling.csv"

    progress "64: process pool on $cores workers, batch $batches, work per pair varied"
    : >"$RUN/64_shipping.csv"
    for size_pairs in $ship_sizes; do
        size=${size_pairs%%:*} n=${size_pairs#*:}
        "$prog" --csv --executor processes --workers "$cores" --pairs "$n" --size "$size" \
            --batch "$batches" --rounds "$rounds" >"$RUN/64_shipping_one.csv"
        if [ -s "$RUN/64_shipping.csv" ]; then # one header for the whole file
            tail -n +2 "$RUN/64_shipping_one.csv" >>"$RUN/64_shipping.csv"
        else
            cat "$RUN/64_shipping_one.csv" >"$RUN/64_shipping.csv"
        fi
    done
    rm -f "$RUN/64_shipping_one.csv"

    rm -f "$RUN/64_python.csv" "$RUN/64_python_shipping.csv"
    if [ -n "$pyver" ]; then
        progress "64: the same in CPython $pyver, workers $workers, then chunksize"
        python3 "$HARNESS/python/64_gcd.py" $pyquick --rounds "$pyrounds" \
            --workers "$workers" >"$RUN/64_python.csv"
        python3 "$HARNESS/python/64_gcd.py" $pyquick --rounds "$pyrounds" --shipping \
            --workers "$cores" --chunksize "$batches" >"$RUN/64_python_shipping.csv"
    fi
fi
have_python=false
[ -s "$RUN/64_python.csv" ] && have_python=true

# ---- Medians over rounds, and the charts (error bars: the smallest and largest round)
summarize "$RUN/64_scaling.csv" "$RUN/64_scaling_med.csv" executor,workers speedup
{
    echo "executor,workers,median,lo,hi,n"
    tail -n +2 "$RUN/64_scaling_med.csv" | grep -v '^serial,' || true
    if $have_python; then
        summarize "$RUN/64_python.csv" "$RUN/64_python_med.csv" executor,workers speedup
        tail -n +2 "$RUN/64_python_med.csv" | grep -v '^serial,' | sed 's/^/cpython_/' || true
    fi
} >"$RUN/64_scaling_chart.csv"
groups="threads_gil threads processes"
labels="thread_pool_under_the_GIL thread_pool,_no_GIL process_pool_(fork_+_pipes)"
if $have_python; then
    groups="$groups cpython_threads cpython_processes"
    labels="$labels CPython_${pyver}_ThreadPoolExecutor CPython_${pyver}_ProcessPoolExecutor"
fi
plot_lines "$RUN/64_scaling_chart.csv" "$RUN/64_scaling" \
    title="Item 64: gcd by counting down, speedup against serial ($cores cores)" \
    xlabel="workers in the pool" ylabel="speedup (serial time / pool time, median of rounds)" \
    xcol=workers ycol=median lowcol=lo highcol=hi xtics=1 groupcol=executor \
    groups="$groups" labels="$labels" ymin=0 \
    ideal="x<$cores?x:$cores" idealtitle="ideal: min(workers, $cores cores)" \
    hline=1 hlinetitle="as fast as serial"

summarize "$RUN/64_shipping.csv" "$RUN/64_shipping_med.csv" size,batch speedup
{
    echo "series,batch,median,lo,hi,n"
    awk -F, 'NR > 1 { print "c" $0 }' "$RUN/64_shipping_med.csv" | cut -d, -f1-6
    if [ -s "$RUN/64_python_shipping.csv" ]; then
        summarize "$RUN/64_python_shipping.csv" "$RUN/64_python_shipping_med.csv" \
            executor,chunksize speedup
        awk -F, 'NR > 1 && $1 == "processes" { print "cpython," $2 "," $3 "," $4 "," $5 "," $6 }' \
            "$RUN/64_python_shipping_med.csv"
    fi
} >"$RUN/64_shipping_chart.csv"
sizes="" size_labels=""
for size_pairs in $ship_sizes; do
    size=${size_pairs%%:*}
    sizes="$sizes c$size"
    size_labels="$size_labels C:_numbers_up_to_$size"
done
if [ -s "$RUN/64_python_shipping.csv" ]; then
    sizes="$sizes cpython"
    size_labels="$size_labels CPython_${pyver}:_numbers_up_to_1000_(chunksize)"
fi
plot_lines "$RUN/64_shipping_chart.csv" "$RUN/64_shipping" \
    title="Item 64: process pool on $cores workers, pairs per message" \
    xlabel="pairs per message (batch, chunksize)" ylabel="speedup (serial time / pool time)" \
    xcol=batch ycol=median lowcol=lo highcol=hi groupcol=series groups="${sizes# }" \
    labels="${size_labels# }" logx=2 ymin=0 ideal="$cores" idealtitle="ideal on $cores cores" \
    hline=1 hlinetitle="as fast as serial"

# ---- The figures the report states, all from this run.
med() { median "$RUN/64_scaling.csv" speedup executor="$1" workers="$2"; }
sprd() { spread "$RUN/64_scaling.csv" speedup executor="$1" workers="$2"; }
serial_s=$(calc "$(median "$RUN/64_scaling.csv" wall_s executor=serial)")
gil_x=$(calc "$(med threads_gil "$at")")
threads_x=$(calc "$(med threads "$at")") threads_spread=$(sprd threads "$at")
proc_x=$(calc "$(med processes "$at")") proc_spread=$(sprd processes "$at")
gil_best=$(awk -F, '$1 == "threads_gil" && $3 > m { m = $3 } END { printf "%.3g", m }' "$RUN/64_scaling_med.csv")
gil_best_w=$(awk -F, '$1 == "threads_gil" && $3 > m { m = $3; w = $2 } END { print w }' "$RUN/64_scaling_med.csv")
gil_best_spread=$(sprd threads_gil "$gil_best_w")
cpu_max=$(awk -F, 'NR > 1 && $1 != "serial" && $3 > m { m = $3 } END { printf "%.3g", m }' "$RUN/64_scaling_med.csv")
ship_med() { median "$RUN/64_scaling.csv" "$1" executor=processes workers="$at"; }
proc_ship_pct=$(calc "100 * $(ship_med ship_s) / ($(ship_med ship_s) + $(ship_med compute_s))")

# The control of the CPU-bound claims: the pool without a GIL shows what
# parallelism this machine gave the run; and no CPU-bound pool can beat the
# core count (a median more than 5% above it means the serial rounds were
# slowed, not the pools sped up).
cpu_control="$threads_x >= 0.75 * $at && $cpu_max <= 1.05 * $cores"
if awk "BEGIN { exit !($cpu_max > 1.05 * $cores) }"; then
    cpu_why="a CPU-bound median speedup of ${cpu_max}x exceeds $cores cores"
else
    cpu_why="the no-GIL control reached ${threads_x}x on $at workers, $cores cores"
fi
gil_ok=$(decide "$gil_best < 1.25" "$cpu_control" "$cpu_why")

small=${ship_sizes%% *} small_size=${small%%:*} small_pairs=${small#*:}
big_size=$(printf '%s\n' $ship_sizes | tail -n 1 | cut -d: -f1)
ship() { median "$RUN/64_shipping.csv" "$2" size="$small_size" batch="$1"; }
batch1_x=$(calc "$(ship 1 speedup)") batch1_spread=$(spread "$RUN/64_shipping.csv" speedup size="$small_size" batch=1)
per_message_us=$(calc "1e6 * $(ship 1 ship_s) / $small_pairs")
per_pair_us=$(calc "1e6 * $(ship 1 compute_s) / $small_pairs")
best_of() { awk -F, -v s="$1" '$1 == s && $3 > m { m = $3; b = $2 } END { printf "%s %.3g", b, m }' "$RUN/64_shipping_med.csv"; }
best_line=$(best_of "$small_size")
best_batch=${best_line% *} best_x=${best_line#* }
big_line=$(best_of "$big_size")
big_x=${big_line#* }
# Control: the largest numbers, where shipping is a small share, show whether
# the cores were there during the sweep.
ship_ok=$(decide "$batch1_x < 1 && $best_x > 0.75 * $cores" \
    "$big_x >= 0.75 * $cores && $big_x <= 1.05 * $cores" \
    "with numbers up to $big_size the best batch reached ${big_x}x on $cores cores")

# The process pool's own control: the same pool where shipping is a small
# share (the largest numbers, its best batch). A process pool hands work out
# one message per worker at a time, so a neighbour holding a core delays every
# round trip and hurts it more than the thread pool; when even this pool fell
# short, the machine could not decide the claim.
proc_control="$cpu_control && $big_x >= 0.75 * $cores && $big_x <= 1.05 * $cores"
if awk "BEGIN { exit !($cpu_control) }"; then
    proc_why="a process pool with little to ship (numbers up to $big_size, its best batch) reached ${big_x}x on $cores cores"
else
    proc_why=$cpu_why
fi
proc_ok=$(decide "$proc_x > 0.75 * $at" "$proc_control" "$proc_why")
py_gil_note="" py_proc_note="" py_ship_note=""
if $have_python; then
    pymed() { median "$RUN/64_python.csv" speedup executor="$1" workers="$at"; }
    py_gil=$(calc "$(pymed threads)") py_proc=$(calc "$(pymed processes)")
    py_gil_ok=$(decide "$py_gil < 1.25" "$py_proc >= 0.75 * $at && $py_proc <= 1.05 * $cores" \
        "CPython's process pool reached ${py_proc}x on $at workers")
    py_proc_ok=$(decide "$py_proc > 0.75 * $at" "$proc_control" "$proc_why")
    py_gil_note=" (CPython $pyver: $py_gil_ok, $(spread "$RUN/64_python.csv" speedup executor=threads workers="$at"))"
    py_proc_note=" (CPython $pyver: $py_proc_ok, $(spread "$RUN/64_python.csv" speedup executor=processes workers="$at"))"
    py_c1=$(calc "$(median "$RUN/64_python_shipping.csv" speedup executor=processes chunksize=1)")
    py_best=$(awk -F, '$1 == "processes" && $3 > m { m = $3; b = $2 } END { printf "%.3gx at chunksize %s", m, b }' "$RUN/64_python_shipping_med.csv")
    py_ship_note=" (CPython $pyver: ${py_c1}x at chunksize 1, $py_best)"
fi

{
    echo "| 64 | a thread pool under a GIL gives CPU-bound work no speedup | $gil_ok: ${gil_best_spread} at best (at $gil_best_w workers), against ${threads_spread} for the same pool without the GIL$py_gil_note |"
    echo "| 64 | a process pool gives about one speedup per core, less shipping | $proc_ok: ${proc_spread} on $at workers ($cores cores), ${proc_ship_pct}% of worker time spent shipping$py_proc_note |"
    echo "| 64 | shipping costs more than the parallel gain when a message carries too little work | $ship_ok: ${batch1_spread} at one pair per message (numbers up to $small_size), ${best_x}x at $best_batch per message$py_ship_note |"
} >"$RUN/64.verdicts"

{
    cat <<EOT
## Item 64: concurrent.futures for true parallelism ([items/64_true_parallelism](../../items/64_true_parallelism/README.md))

The greatest common divisor of $pairs number pairs, found the slow way (count
down from the smaller number): serially in $serial_s s (median), and by three
pools: a thread pool whose workers hold the GIL-like lock of item 53 while they
compute (\`threads_gil\`, policy \`new\`), the same pool without it (\`threads\`),
and a pool of forked worker processes that get their pairs and send back their
results as bytes through pipes (\`processes\`). Every answer is checked against
Euclid's algorithm, and every executor first against hand-checked pairs. This
machine has **$cores cores**, so the best possible speedup is ${cores}x. The
runs were interleaved over $rounds rounds, each opened and closed by a serial
run (the round's serial time is the mean of the two, so a machine whose speed
drifts within a round moves both sides of a ratio); each speedup divides by
the serial time of its own round, and the figures are medians with the
smallest and largest round.

![Item 64, speedup vs workers](64_scaling.svg)

**The book's claims:** threads under the GIL give no speedup to CPU-bound work;
a process pool gives about one per core, minus the cost of shipping the data.

**Measured on $at workers:** thread pool under the GIL **${gil_x}x** (at best
$gil_best_spread over all worker counts), the same pool without the GIL
**$threads_spread**, the process pool **$proc_spread**, its workers spending
${proc_ship_pct}% of their time on serialising and shipping rather than computing.
The pool without a GIL is the control: when it falls short of 0.75 x $at, or
any pool's median beats $cores cores by more than 5% (impossible for CPU-bound
work: the serial rounds were slowed, not the pools sped up), other work held
the cores and the verdicts say *inconclusive* instead. The process pool has a
control of its own as well: the same pool on the largest numbers of the
shipping sweep below, where shipping is a small share, must reach 0.75 x $cores.
A process pool sends each worker one message at a time, so a neighbour that
holds a core delays every round trip, and it suffers more than the thread
pool does.
EOT
    $have_python &&
        echo "CPython $pyver on the same machine: ThreadPoolExecutor **${py_gil}x**, ProcessPoolExecutor **${py_proc}x** (medians of $pyrounds rounds)."
    cat <<EOT

**Verdicts: threads under a GIL, $gil_ok; processes, $proc_ok.**

| executor | workers | wall (s) | speedup | lo-hi | worker-s computing | worker-s shipping | (user+sys) / wall | GIL switches |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
$(awk -F, 'NR == FNR { if (FNR > 1) { lo[$1 "," $2] = $4; hi[$1 "," $2] = $5 }; next }
    FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { k = $c["executor"] "," $c["workers"]; if (!(k in n)) order[++m] = k; n[k]++
      wall[k, n[k]] = $c["wall_s"]; sp[k] = sp[k] " " $c["speedup"]; comp[k, n[k]] = $c["compute_s"]
      shp[k, n[k]] = $c["ship_s"]; busy[k, n[k]] = $c["cpu_s"] / $c["wall_s"]; sw[k, n[k]] = $c["gil_switches"] }
    function mid(a, k, cnt,   i, j, t, v) { for (i = 1; i <= cnt; i++) v[i] = a[k, i]
      for (i = 2; i <= cnt; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
      return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2 }
    END { for (i = 1; i <= m; i++) { k = order[i]; split(k, e, ",")
      split(sp[k], s, " "); for (j = 1; j <= n[k]; j++) spv[k, j] = s[j]
      printf "| %s | %s | %.3f | %.2f | %.2f-%.2f | %.3f | %.3f | %.2f | %d |\n", e[1], e[2],
        mid(wall, k, n[k]), mid(spv, k, n[k]), lo[k], hi[k], mid(comp, k, n[k]), mid(shp, k, n[k]),
        mid(busy, k, n[k]), mid(sw, k, n[k]) } }' "$RUN/64_scaling_med.csv" "$RUN/64_scaling.csv")

Each column is the median over the rounds; lo-hi is the speedup's range.
EOT
    if $have_python; then
        cat <<EOT

CPython ([64_python.csv](64_python.csv), \`harness/python/64_gcd.py\`, 16 pairs, \`pool.map\` with chunksize 1):

| executor | workers | speedup (median) | lo-hi |
|---|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| %s | %s | %.2f | %.2f-%.2f |\n", $1, $2, $3, $4, $5 }' "$RUN/64_python_med.csv")
EOT
    fi
    cat <<EOT

![Item 64, shipping cost](64_shipping.svg)

**When shipping costs more than the gain:** the process pool on $cores workers,
with the pairs cut into messages of 1 to ${batches##*,} pairs. With numbers up to
$small_size a pair takes about ${per_pair_us} us to compute, while a one-pair
message costs about ${per_message_us} us of worker time to serialise, send,
answer and read back: one pair per message ran at **${batch1_spread}** the serial
speed, and $best_batch pairs per message at **${best_x}x**. With bigger numbers
the same round trip is a smaller share of each message; the largest numbers
(up to $big_size, best ${big_x}x) are this sweep's control for the cores being
free. Too large a batch fails the other way: when there are fewer messages
than workers, some workers sit idle. **Verdict: $ship_ok.**
EOT
    [ -s "$RUN/64_python_shipping.csv" ] && cat <<EOT
CPython's ProcessPoolExecutor on the same kind of work (numbers up to 1000,
\`map(chunksize=k)\`, its pool start-up included): ${py_c1}x at chunksize 1,
${py_best}: its break-even sits where the model's does, at tens of pairs per
message.
EOT
    cat <<EOT

| numbers up to | pairs per message | speedup (median) | lo-hi | rounds |
|---:|---:|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| %s | %s | %.2f | %.2f-%.2f | %s |\n", $1, $2, $3, $4, $5, $6 }' "$RUN/64_shipping_med.csv")

Worker-seconds are summed over workers: for each message, the time from the
parent starting to serialise it to the parent having read the reply, minus the
worker's compute time, is shipping. Children left unreaped plus descriptors
leaked, over every row: $(awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { s += $c["children_left"] + $c["fds_leaked"] } END { print s + 0 }' "$RUN/64_scaling.csv" "$RUN/64_shipping.csv").
Raw data: [64_scaling.csv](64_scaling.csv), [64_shipping.csv](64_shipping.csv)$($have_python && echo ", [64_python.csv](64_python.csv), [64_python_shipping.csv](64_python_shipping.csv)").
EOT
    $have_python || echo "CPython was not available on this machine, so only the C model was run."
} >"$RUN/64.md"
