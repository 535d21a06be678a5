#!/bin/sh
# Item 60: coroutines. The chapter's headline chart: generation time and peak
# memory against cells (45 up to 1,000,000) for a thread per cell (57), queue
# workers (58), a thread pool (59) and coroutines (60), every cell waiting
# --io-ms of I/O; then what one coroutine costs (start, bytes), C beside
# CPython's asyncio.
set -eu
. "$HARNESS/lib.sh"

if [ "$QUICK" = 1 ]; then
    io_ms=50 rounds=3 other_rounds=1 point_budget_s=0.5 timeout_s=5
    sizes="5x9 25x40 100x100 250x400" coroutines=100000
    py_sizes=5x9,25x40 py_coroutines=5000 py_rounds=2
else
    io_ms=100 rounds=3 other_rounds=3 point_budget_s=3 timeout_s=20
    sizes="5x9 10x10 25x40 100x100 250x400 1000x1000" coroutines=1000000
    py_sizes=5x9,25x40,100x100 py_coroutines=20000 py_rounds=3
fi
lat=$(calc "$io_ms / 1000")
# The claim's grid sizes: the book's 45 cells (the control) and 10,000.
small_cells=45 claim_cells=10000

# The four programs, in legend order: binary, label, extra flags, and the
# predicted seconds for one generation of C cells at latency L (awk), used to
# skip a point that would blow the time budget. A thread start and join costs
# tens of microseconds; a coroutine's start and resume about a microsecond.
programs="57_thread_per_cell 58_queue_workers 59_thread_pool 60_coroutines"
label_of() {
    case $1 in
        57_thread_per_cell) echo thread_per_cell ;;
        58_queue_workers) echo queue_workers ;;
        59_thread_pool) echo thread_pool ;;
        60_coroutines) echo coroutines ;;
    esac
}
flags_of() {
    case $1 in
        57_thread_per_cell) echo "--part life $threads_only" ;;
        58_queue_workers) echo "--variant queue_workers --workers 5" ;;
        59_thread_pool) echo "--workers 10" ;;
        *) echo "" ;;
    esac
}
# 57 times its serial reference (cells x latency) in every round too, unless
# it offers --variant thread_per_cell to run the threads alone.
threads_only="" serial_too=1
if [ -x "$BIN/57_thread_per_cell" ] &&
    "$BIN/57_thread_per_cell" --help 2>/dev/null | grep -q -- '--variant'; then
    threads_only="--variant thread_per_cell" serial_too=0
fi
predicted_s() { # program cells
    case $1 in
        57_thread_per_cell) awk -v c="$2" -v l="$lat" -v s="$serial_too" \
            'BEGIN { printf "%.3f", l + c * 3e-5 + s * c * l }' ;;
        58_queue_workers) awk -v c="$2" -v l="$lat" 'BEGIN { printf "%.3f", int((c + 4) / 5) * l }' ;;
        59_thread_pool) awk -v c="$2" -v l="$lat" 'BEGIN { printf "%.3f", int((c + 9) / 10) * l }' ;;
        60_coroutines) awk -v c="$2" -v l="$lat" 'BEGIN { printf "%.3f", l + c * 1e-6 }' ;;
    esac
}
header="variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,threads_peak"

if measuring; then
    # ---- The headline: one process per program, size and round (peak RSS is
    # per process), the programs interleaved within each size and round.
    echo "$header" >"$RUN/60_headline.csv"
    echo "program,cells,what" >"$RUN/60_stops.csv"
    # stopped PROGRAM CELLS: it failed or was skipped at this size or a smaller one.
    stopped() {
        awk -F, -v p="$1" -v c="$2" '$1 == p && c + 0 >= $2 + 0 { f = 1 } END { exit !f }' \
            "$RUN/60_stops.csv"
    }
    for prog in $programs; do
        [ -x "$BIN/$prog" ] || echo "$prog,0,not built" >>"$RUN/60_stops.csv"
    done
    progress "60: headline, sizes $sizes, ${io_ms} ms per cell, $rounds rounds (others $other_rounds)"
    round=0
    while [ "$round" -lt "$rounds" ]; do
        for size in $sizes; do
            r=${size%x*} c=${size#*x} cells=$((${size%x*} * ${size#*x}))
            for prog in $programs; do
                stopped "$prog" "$cells" && continue
                [ "$prog" = 60_coroutines ] || [ "$round" -lt "$other_rounds" ] || continue
                p=$(predicted_s "$prog" "$cells")
                if awk "BEGIN { exit !($p > $point_budget_s) }"; then
                    extra=""
                    [ "$prog" = 57_thread_per_cell ] && [ "$serial_too" = 1 ] &&
                        extra=" (it also times its serial reference)"
                    echo "$prog,$cells,skipped: predicted ${p} s per generation$extra, over the ${point_budget_s} s budget" >>"$RUN/60_stops.csv"
                    continue
                fi
                rc=0
                # shellcheck disable=SC2046 # the flags are meant to split
                timeout -s INT -k 2 "$timeout_s" "$BIN/$prog" --csv --rows "$r" --cols "$c" \
                    --io-ms "$io_ms" --generations 1 --rounds 1 $(flags_of "$prog") \
                    >"$RUN/60_point.csv" 2>"$RUN/60_point.err" || rc=$?
                if [ "$rc" != 0 ] || [ "$(head -n 1 "$RUN/60_point.csv")" != "$header" ]; then
                    why=$(tr '\n,' '  ' <"$RUN/60_point.err" | cut -c1-120)
                    echo "$prog,$cells,failed (exit $rc): $why" >>"$RUN/60_stops.csv"
                    continue
                fi
                # The first block of rows only (a program may print more after a blank line).
                awk -F, -v OFS=, -v v="$(label_of "$prog")" -v round="$round" \
                    'NR > 1 && (NF != 11 || $4 !~ /^[0-9]+$/) { exit }
                     NR > 1 && $1 == v { $8 = round; print }' "$RUN/60_point.csv" >>"$RUN/60_headline.csv"
            done
        done
        round=$((round + 1))
    done
    rm -f "$RUN/60_point.csv" "$RUN/60_point.err"

    progress "60: what a coroutine costs, $coroutines at once, $rounds rounds"
    "$BIN/60_coroutines" --csv --mode costs --coroutines "$coroutines" --rounds "$rounds" \
        >"$RUN/60_costs.csv"

    rm -f "$RUN/60_python_costs.csv" "$RUN/60_python_life.csv"
    if command -v python3 >/dev/null 2>&1; then
        progress "60: CPython asyncio ($(python3 --version 2>&1)): $py_coroutines Tasks; grids $py_sizes"
        python3 "$HARNESS/python/60_asyncio.py" --mode costs --coroutines "$py_coroutines" \
            --rounds "$py_rounds" >"$RUN/60_python_costs.csv"
        python3 "$HARNESS/python/60_asyncio.py" --mode life --sizes "$py_sizes" --io-ms "$io_ms" \
            --rounds "$py_rounds" >"$RUN/60_python_life.csv"
    fi

    # The error path, as a user sees it.
    rc=0
    "$BIN/60_coroutines" --mode grid --io-ms 1 --fail-cell 2,3 >/dev/null 2>"$RUN/60_error.log" || rc=$?
    error_ok=0
    [ "$rc" = 3 ] && grep -q 'simulation error at (2, 3)' "$RUN/60_error.log" && error_ok=1
    printf 'check,value\nerror_reaches_awaiter,%s\n' "$error_ok" >"$RUN/60_checks.csv"
fi

# ---- Figures and verdicts, all from the CSVs in $RUN.
headline=$RUN/60_headline.csv costs=$RUN/60_costs.csv
have_python=0
[ -s "$RUN/60_python_costs.csv" ] && have_python=1

# Claim 1: starting a coroutine costs about a function call (goal <= 200 ns).
# Control: malloc and fill of one frame-sized block in the same round; above
# 100 ns the machine was too busy to time a start at all.
set -- $(stat "$costs" start_ns variant=c_coroutine)
start_ns=$1 start_lo=$2 start_hi=$3 nr=$4
start_cold=$(median "$costs" start_cold_ns variant=c_coroutine)
resume_ns=$(median "$costs" resume_ns variant=c_coroutine)
ref_ns=$(median "$costs" ref_ns variant=c_coroutine)
n_coros=$(csv_value "$costs" coroutines variant=c_coroutine)
start_v=$(decide "$start_ns <= 200" "$ref_ns <= 100" \
    "malloc and fill of one frame took $ref_ns ns, over 100 ns")

# Claim 2: under 1 KB while suspended (goal 256 bytes, the event included).
set -- $(stat "$costs" bytes_rss variant=c_coroutine)
bytes=$1 bytes_lo=$2 bytes_hi=$3
frame=$(csv_value "$costs" bytes_frame variant=c_coroutine)
bytes_v=$(verdict "$bytes < 1024")
goal_256=$(awk -v b="$bytes" 'BEGIN { print (b <= 256) ? "met" : "missed" }')

py_start="" py_cold="" py_bytes="" py_traced="" py_n=0 py_note=""
if [ "$have_python" = 1 ]; then
    py_start=$(calc "$(median "$RUN/60_python_costs.csv" start_ns) / 1000")
    py_cold=$(calc "$(median "$RUN/60_python_costs.csv" start_cold_ns) / 1000")
    py_bytes=$(calc "$(csv_value "$RUN/60_python_costs.csv" bytes_rss round=0)") # fresh memory
    py_traced=$(calc "$(median "$RUN/60_python_costs.csv" bytes_frame)")
    py_n=$(csv_value "$RUN/60_python_costs.csv" coroutines)
    py_note="; CPython asyncio: ${py_bytes} bytes (RSS) and ${py_traced} (tracemalloc) per suspended Task"
fi

# Claim 3: a generation takes about one latency whatever the cells. Within
# each round: the generation at 10,000 cells against the one at 45 (<= 1.5x).
# Control: the 45-cell generation itself within 1.5x the latency, or the
# machine was not waking sleepers on time.
awk -F, -v s="$small_cells" -v big="$claim_cells" -v lat="$lat" '
    NR > 1 && $1 == "coroutines" { t[$8, $4] = $9; r[$8] = 1 }
    END { print "round,ratio,small_vs_latency"
          for (k in r) if (t[k, s] > 0 && t[k, big] > 0)
              printf "%s,%.4f,%.4f\n", k, t[k, big] / t[k, s], t[k, s] / lat }' \
    "$headline" >"$RUN/60_ratios.csv"
set -- $(stat "$RUN/60_ratios.csv" ratio)
ratio=$1 ratio_lo=$2 ratio_hi=$3 ratio_n=$4
small_vs_lat=$(median "$RUN/60_ratios.csv" small_vs_latency)
gen_v=$(decide "$ratio <= 1.5" "$ratio_n > 0 && $small_vs_lat <= 1.5" \
    "the ${small_cells}-cell generation took ${small_vs_lat}x the latency")
[ "$ratio_n" -gt 0 ] || gen_v="not reproduced"
largest=$(awk -F, 'NR > 1 && $1 == "coroutines" && $4 + 0 > m { m = $4 + 0 } END { print m + 0 }' "$headline")
largest_s=$(median "$headline" gen_s variant=coroutines cells="$largest")
largest_x=$(calc "$largest_s / $lat")
per_cell_ns=$(calc "($largest_s - $lat) / $largest * 1e9")

# Claim 4: tens of thousands at once where threads cannot. Coroutines must
# have run 100,000 cells or more at once; threads "cannot" when a thread per
# cell failed in the headline at or below that size, when item 57's own push
# (57_refuse.csv, same run) was refused before that many threads, or when a
# live thread costs at least 10x the memory of a suspended coroutine (item
# 57's 57_memory.csv, or the headline's peak memory at the same size).
thr_max=$(awk -F, 'NR > 1 && $1 == "thread_per_cell" && $4 + 0 > m { m = $4 + 0 } END { print m + 0 }' "$headline")
thr_stop=$(awk -F, '$1 == "57_thread_per_cell" { print $2; exit }' "$RUN/60_stops.csv")
thr_why=$(awk -F, '$1 == "57_thread_per_cell" { sub(/^[^,]*,[^,]*,/, ""); print; exit }' "$RUN/60_stops.csv")
thr_fail=0
case $thr_why in failed*) thr_fail=$thr_stop ;; esac
evidence="" thr_text=""
if [ "$thr_fail" != 0 ]; then
    evidence=1 thr_text="a thread per cell failed at $thr_fail cells ($thr_why)"
elif [ "$thr_stop" = 0 ]; then
    thr_text="57_thread_per_cell was not built"
elif [ -n "$thr_stop" ]; then
    thr_text="a thread per cell was $thr_why from $thr_stop cells"
    [ "$thr_max" -gt 0 ] && thr_text="a thread per cell ran up to $thr_max cells, then was $thr_why from $thr_stop cells"
fi
refused_at=0
if [ -s "$RUN/57_refuse.csv" ]; then
    refused_at=$(awk -F, 'NR > 1 && $1 == "natural" && $6 != "none" { print $3 + 1; exit }' "$RUN/57_refuse.csv")
    refused_at=${refused_at:-0}
    pushed=$(csv_value "$RUN/57_refuse.csv" started mode=natural)
    evidence=1
    if [ "$refused_at" != 0 ]; then
        thr_text="$thr_text; item 57's push was refused at thread $refused_at"
    else
        thr_text="$thr_text; item 57 pushed ${pushed:-?} live threads without a refusal"
    fi
fi
mem_ratio=0
if [ -s "$RUN/57_memory.csv" ]; then
    most=$(awk -F, 'NR > 1 && $1 + 0 > m { m = $1 + 0 } END { print m + 0 }' "$RUN/57_memory.csv")
    thread_kib=$(median "$RUN/57_memory.csv" resident_per_thread_kib threads="$most")
    mem_ratio=$(calc "$thread_kib * 1024 / $bytes")
    evidence=1 thr_text="$thr_text; a live thread holds $(calc "$thread_kib") KiB resident (57_memory.csv, $most threads), ${mem_ratio}x a suspended coroutine"
elif [ "$thr_max" -gt 0 ]; then
    mem_ratio=$(calc "$(median "$headline" peak_rss_kib variant=thread_per_cell cells="$thr_max") / $(median "$headline" peak_rss_kib variant=coroutines cells="$thr_max")")
    evidence=1 thr_text="$thr_text; at $thr_max cells its process peaked at ${mem_ratio}x the coroutines' memory"
fi
thr_text=${thr_text#; }
if [ "$largest" -lt 100000 ]; then
    many_v="not reproduced"
elif [ -z "$evidence" ]; then
    many_v="not judged (no thread-per-cell figures in this run)"
else
    many_v=$(verdict "($thr_fail > 0 && $thr_fail <= $largest) || ($refused_at > 0 && $refused_at <= $largest) || $mem_ratio >= 10")
fi

error_v=$(verdict "$(csv_value "$RUN/60_checks.csv" value check=error_reaches_awaiter) == 1")

# ---- Charts
summarize "$headline" "$RUN/60_time_chart.csv" variant,cells gen_s
summarize "$headline" "$RUN/60_rss_chart.csv" variant,cells peak_rss_kib
if [ "$have_python" = 1 ] && [ -s "$RUN/60_python_life.csv" ]; then
    summarize "$RUN/60_python_life.csv" "$RUN/60_py_time.csv" variant,cells gen_s
    summarize "$RUN/60_python_life.csv" "$RUN/60_py_rss.csv" variant,cells peak_rss_kib
    tail -n +2 "$RUN/60_py_time.csv" >>"$RUN/60_time_chart.csv"
    tail -n +2 "$RUN/60_py_rss.csv" >>"$RUN/60_rss_chart.csv"
    rm -f "$RUN/60_py_time.csv" "$RUN/60_py_rss.csv"
fi
# MiB for the memory chart.
awk -F, -v OFS=, 'NR > 1 { $3 /= 1024; $4 /= 1024; $5 /= 1024 } 1' "$RUN/60_rss_chart.csv" \
    >"$RUN/60_rss_chart.new" && mv "$RUN/60_rss_chart.new" "$RUN/60_rss_chart.csv"
groups="" labels=""
for v in thread_per_cell queue_workers thread_pool coroutines asyncio; do
    grep -q "^$v," "$RUN/60_time_chart.csv" || continue
    groups="$groups $v"
    case $v in
        thread_per_cell) labels="$labels a_thread_per_cell_(57)" ;;
        queue_workers) labels="$labels 5_queue_workers_(58)" ;;
        thread_pool) labels="$labels pool_of_10_(59)" ;;
        coroutines) labels="$labels C_coroutines_(60)" ;;
        asyncio) labels="$labels CPython_asyncio" ;;
    esac
done
vline_args="" vline_title=""
if [ -n "$thr_stop" ] && [ "$thr_stop" != 0 ]; then
    vline_args="vline=$thr_stop"
    case $thr_why in
        failed*) vline_title="a thread per cell failed here" ;;
        *) vline_title="a thread per cell: over the time budget from here" ;;
    esac
fi
plot_lines "$RUN/60_time_chart.csv" "$RUN/60_headline_time" \
    title="Items 57-60: one generation, every cell waiting ${io_ms} ms of I/O" \
    xlabel="cells (tasks waiting at once)" ylabel="time per generation (s)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=variant groups="${groups# }" \
    labels="${labels# }" logx=10 logy=10 ymin=$(calc "$lat / 2") hline="$lat" hlinetitle="one latency (${io_ms} ms)" \
    ${vline_args:+"$vline_args"} vlinetitle="$vline_title"
plot_lines "$RUN/60_rss_chart.csv" "$RUN/60_headline_rss" \
    title="Items 57-60: peak memory of the process, one generation" \
    xlabel="cells (tasks waiting at once)" ylabel="peak resident memory (MiB)" \
    xcol=cells ycol=median lowcol=lo highcol=hi groupcol=variant groups="${groups# }" \
    labels="${labels# }" logx=10 logy=10 \
    ${vline_args:+"$vline_args"} vlinetitle="$vline_title"

# Costs: bytes per suspended coroutine, and ns per start, C beside asyncio.
{
    echo "what,impl,value"
    echo "bytes_rss,c,$bytes"
    echo "bytes_frame,c,$frame"
    echo "start_warm,c,$start_ns"
    echo "start_cold,c,$start_cold"
    if [ "$have_python" = 1 ]; then
        echo "bytes_rss,asyncio,$(csv_value "$RUN/60_python_costs.csv" bytes_rss round=0)"
        echo "bytes_frame,asyncio,$(median "$RUN/60_python_costs.csv" bytes_frame)"
        echo "start_warm,asyncio,$(median "$RUN/60_python_costs.csv" start_ns)"
        echo "start_cold,asyncio,$(median "$RUN/60_python_costs.csv" start_cold_ns)"
    fi
} >"$RUN/60_costs_chart.csv"
cost_groups=c cost_labels="C_coroutine_(coro.h)"
if [ "$have_python" = 1 ]; then
    cost_groups="c asyncio" cost_labels="C_coroutine_(coro.h) CPython_asyncio_Task"
fi
plot_bars "$RUN/60_costs_chart.csv" "$RUN/60_bytes" \
    title="Item 60: memory per suspended coroutine (goal 256 B, claim < 1 KB)" \
    ylabel="bytes per coroutine (log scale)" catcol=what cats="bytes_rss bytes_frame" \
    catlabels="resident_memory_/_N sizeof_frame_/_tracemalloc" groupcol=impl \
    groups="$cost_groups" labels="$cost_labels" ycol=value logy=10
plot_bars "$RUN/60_costs_chart.csv" "$RUN/60_start" \
    title="Item 60: cost of starting a coroutine, up to its first await (goal 200 ns)" \
    ylabel="ns per start (log scale)" catcol=what cats="start_warm start_cold" \
    catlabels="memory_already_held fresh_memory_(page_faults)" groupcol=impl \
    groups="$cost_groups" labels="$cost_labels" ycol=value logy=10

{
    echo "| 60 | a coroutine costs about a function call to start | $start_v: ${start_ns} ns per start (${start_lo}-${start_hi} over $nr rounds, $n_coros at once; ${start_cold} ns on fresh memory), against ${ref_ns} ns for a malloc and fill of its frame${py_start:+; CPython asyncio ${py_start} us per Task} |"
    echo "| 60 | a coroutine costs under 1 KB while alive | $bytes_v: ${bytes} bytes each by RSS with $n_coros suspended (goal 256 B $goal_256), frame ${frame} bytes including its libevent event$py_note |"
    echo "| 60 | a generation takes about one latency whatever the number of cells | $gen_v: ${claim_cells} cells ran $(calc "$ratio")x the ${small_cells}-cell generation (${ratio_lo}-${ratio_hi}x over $ratio_n rounds) at ${io_ms} ms; $largest cells took ${largest_x}x the latency |"
    echo "| 60 | tens of thousands of coroutines run at once where threads cannot | $many_v: coroutines ran $largest cells at once; $thr_text |"
    echo "| 60 | an error in one coroutine reaches the awaiter of the gather | $error_v: \`--fail-cell 2,3\` ends with \"simulation error at (2, 3)\", exit 3 |"
} >"$RUN/60.verdicts"

stops_md=$(awk -F, 'NR > 1 { w = $0; sub(/^[^,]*,[^,]*,/, "", w); printf "- %s at %s cells: %s\n", $1, $2, w }' "$RUN/60_stops.csv")
{
    cat <<EOT
## Item 60: coroutines for highly concurrent I/O ([items/60_coroutines](../../items/60_coroutines/README.md))

The Game of Life of item 56 with every cell's \`game_logic\` waiting ${io_ms} ms
of I/O, one generation per process, by four programs: a new thread per cell
(57), five queue workers (58), a pool of ten threads (59), and one stackless
coroutine per cell on a libevent loop, awaiting its I/O as a timer and
gathered once per generation (60). Each point is the median of its rounds
(error bars: smallest to largest), the programs interleaved within each
round; every grid is checked against the serial one by the program itself.
A point whose predicted time is over ${point_budget_s} s is skipped.

![Items 57-60, generation time against cells](60_headline_time.svg)

![Items 57-60, peak memory against cells](60_headline_rss.svg)

**The claims:** a generation takes about one latency whatever the number of
cells; tens of thousands of coroutines run at once where threads cannot.
**Measured:** ${claim_cells} coroutines took **$(calc "$ratio")x** the ${small_cells}-cell
generation (${ratio_lo}-${ratio_hi}x over $ratio_n rounds; control: the
${small_cells}-cell generation took ${small_vs_lat}x the ${io_ms} ms latency), and
**$largest cells** took ${largest_x}x the latency: past a hundred thousand the
work of starting, resuming and computing every cell on one core (here
${per_cell_ns} ns per cell beyond the latency, fresh memory included) shows.
For comparison: $thr_text. (A thread per cell counts as "cannot" when it
failed in the headline, when item 57's push was refused before the coroutines'
count, or when a live thread holds at least 10x the memory of a suspended
coroutine.)
**Verdicts: one latency, $gen_v; where threads cannot, $many_v.**

Points not measured:
${stops_md:-- none}

| program | cells | per generation (s) | min | max | peak RSS (MiB) | rounds |
|---|---:|---:|---:|---:|---:|---:|
$(awk -F, 'FNR == 1 { f++; next } f == 1 { k = $1 "," $2; rss[k] = $3 } f == 2 { k = $1 "," $2; printf "| %s | %s | %.4f | %.4f | %.4f | %.1f | %s |\n", $1, $2, $3, $4, $5, rss[k], $6 }' "$RUN/60_rss_chart.csv" "$RUN/60_time_chart.csv")

![Item 60, bytes per coroutine](60_bytes.svg) ![Item 60, start cost](60_start.svg)

**What one coroutine costs.** $n_coros coroutines started and suspended at
once, each awaiting a timer, then resumed and freed, $nr rounds. Starting one
and running it to its first await costs **${start_ns} ns** (${start_lo}-${start_hi})
on memory the process already holds, ${start_cold} ns on fresh memory (the page
faults of its bytes); a resume costs ${resume_ns} ns. The control, a malloc and
fill of one frame-sized block in the same round, took ${ref_ns} ns. While
suspended each costs **${bytes} bytes** of resident memory (${bytes_lo}-${bytes_hi};
the goal of 256 bytes $goal_256): a ${frame}-byte frame, of which 128 bytes
are its libevent \`struct event\`, plus malloc's rounding. The timers sit in
libevent's common-timeout queues (one per distinct sleep length), not in the
timer heap, so no further bytes per coroutine.
**Verdicts: a function call to start, $start_v; under 1 KB, $bytes_v.**
EOT
    if [ "$have_python" = 1 ]; then
        cat <<EOT

CPython $(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo 3) on the same machine (\`harness/python/60_asyncio.py\`, $py_n Tasks
each awaiting \`asyncio.sleep\`): **${py_start} us** per Task start (${py_cold} us
on fresh memory), **${py_bytes} bytes** of resident memory per suspended Task
(round 0, the only one on memory the interpreter did not hold already),
${py_traced} bytes traced by tracemalloc (Task, coroutine frame, timer handle).

| asyncio | start (us) | start, fresh memory (us) | resume (us) | bytes (RSS) | bytes (tracemalloc) |
|---|---:|---:|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| round %s | %.2f | %.2f | %.2f | %.0f | %.0f |\n", $3, $4 / 1000, $5 / 1000, $6 / 1000, $7, $8 }' "$RUN/60_python_costs.csv")
EOT
    else
        printf '\nCPython was not available on this machine, so only the C coroutines were measured.\n'
    fi
    cat <<EOT

| C coroutine, round | start (ns) | start, fresh memory (ns) | resume (ns) | bytes (RSS) | frame (bytes) | control: malloc + fill (ns) |
|---|---:|---:|---:|---:|---:|---:|
$(awk -F, 'NR > 1 { printf "| %s | %.1f | %.1f | %.1f | %.1f | %s | %.1f |\n", $3, $4, $5, $6, $7, $8, $9 }' "$costs")

**An error in one coroutine** (\`--fail-cell 2,3\`) reaches the coroutine
that awaited the gather, which raises it again: "simulation error at (2, 3)",
exit 3. **Verdict: $error_v.**

Raw data: [60_headline.csv](60_headline.csv), [60_stops.csv](60_stops.csv), [60_costs.csv](60_costs.csv)$([ "$have_python" = 1 ] && echo ", [60_python_costs.csv](60_python_costs.csv), [60_python_life.csv](60_python_life.csv)").
EOT
} >"$RUN/60.md"
