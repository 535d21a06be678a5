#!/bin/sh
# Item 57: a new thread per fan-out. The Game of Life with a thread per cell
# (checked against serial); what a thread costs to start and join against a
# function call; what a live thread reserves and really uses; how many the
# system allows; the error that join never reports; and CPython's threads.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/57_thread_per_cell"
if [ "$QUICK" = 1 ]; then
    threads=45,1000,3000 rounds=3 max_threads=3000 pyquick=--quick pythreads=45,1000
else
    threads=45,1000,10000 rounds=5 max_threads=20000 pyquick= pythreads=45,1000,10000
fi

if measuring; then
    progress "57: the book's grid, a thread per cell vs serial, 1 ms per cell, $rounds rounds"
    "$prog" --csv --part life --io-ms 1 --rounds "$rounds" >"$RUN/57_life.csv"
    progress "57: create + join cost at $threads threads, $rounds rounds"
    "$prog" --csv --part cost --threads "$threads" --rounds "$rounds" >"$RUN/57_cost.csv"
    progress "57: the same, the whole process pinned to CPU 0"
    "$prog" --csv --part cost --threads "$threads" --rounds "$rounds" --pin >"$RUN/57_cost_pinned.csv"
    progress "57: reserved and resident memory of $threads live threads"
    "$prog" --csv --part memory --threads "$threads" --rounds 2 >"$RUN/57_memory.csv"
    progress "57: push to $max_threads live threads, then with the address space capped"
    "$prog" --csv --part refuse --max-threads "$max_threads" --max-rss-mib 1024 \
        --max-seconds 10 --cap-as-mib 256 >"$RUN/57_refuse.csv"
    progress "57: one cell's error, lost and carried back"
    "$prog" --csv --part errors >"$RUN/57_errors.csv" 2>"$RUN/57_errors.stderr"
    rm -f "$RUN/57_python.csv"
    if command -v python3 >/dev/null 2>&1; then
        progress "57: threading.Thread start + join in CPython ($(python3 --version 2>&1))"
        python3 "$HARNESS/python/57_threads.py" $pyquick --threads "$pythreads" >"$RUN/57_python.csv"
    fi
fi

# ---- Claim 1: a thread costs start-up time and a stack. Cost against a call
# to the same cell's rules, within each round; the stack from the library's
# default and from the address space N live threads add.
awk -F, -v OFS=, 'NR == 1 { print "threads,round,ratio"; next }
    { w[$1, $2, $3] = $5; k[$2, $3] = 1 }
    END { for (i in k) { split(i, p, SUBSEP); if (w["call", p[1], p[2]] > 0)
        print p[1], p[2], w["thread", p[1], p[2]] / w["call", p[1], p[2]] } }' \
    "$RUN/57_cost.csv" >"$RUN/57_cost_ratio.csv"
summarize "$RUN/57_cost_ratio.csv" "$RUN/57_cost_ratio_summary.csv" threads ratio
{
    echo "variant,threads,round,us"
    awk -F, -v OFS=, 'NR > 1 { print $1, $2, $3, $5 }' "$RUN/57_cost.csv"
    if [ -f "$RUN/57_cost_pinned.csv" ]; then
        awk -F, -v OFS=, 'NR > 1 && $1 == "thread" { print "thread_pinned", $2, $3, $5 }' "$RUN/57_cost_pinned.csv"
    fi
    if [ -f "$RUN/57_python.csv" ]; then
        awk -F, -v OFS=, 'NR > 1 && $1 == "cpython_thread" { print $1, $2, $3, $5 }' "$RUN/57_python.csv"
    fi
} >"$RUN/57_cost_long.csv"
summarize "$RUN/57_cost_long.csv" "$RUN/57_cost_chart.csv" variant,threads us
largest=$(awk -F, 'NR > 1 && $2 > m { m = $2 } END { print m + 0 }' "$RUN/57_cost.csv")
thread_us=$(awk -F, -v n="$largest" 'NR > 1 && $1 == "thread" && $2 == n { printf "%.3g", $3 }' "$RUN/57_cost_chart.csv")
thread_spread=$(stat "$RUN/57_cost.csv" us_per_thread variant=thread threads="$largest" |
    awk '{ printf "%.3g-%.3g us over %d rounds", $2, $3, $4 }')
call_us=$(awk -F, -v n="$largest" 'NR > 1 && $1 == "call" && $2 == n { printf "%.3g", $3 }' "$RUN/57_cost_chart.csv")
min_ratio=$(awk -F, 'NR > 1 && (m == "" || $2 < m) { m = $2 } END { printf "%.0f", m }' "$RUN/57_cost_ratio_summary.csv")
reserved=$(awk -F, 'NR == 2 { print $4 }' "$RUN/57_memory.csv")
mem_largest=$(awk -F, 'NR > 1 && $1 > m { m = $1 } END { print m + 0 }' "$RUN/57_memory.csv")
virtual=$(median "$RUN/57_memory.csv" virtual_per_thread_kib threads="$mem_largest")
resident=$(median "$RUN/57_memory.csv" resident_per_thread_kib threads="$mem_largest")
cost_ok=$(verdict "$min_ratio >= 10 && $virtual >= 0.9 * $reserved && $resident < $reserved / 10")
# No control: a thread start costs thousands of function calls and a live
# thread maps its whole stack, figures no busy neighbour can reverse.

# ---- Claim 2: spawning thousands fails at some point.
refuse() { csv_value "$RUN/57_refuse.csv" "$2" mode="$1"; }
nat_started=$(refuse natural started) nat_joined=$(refuse natural joined)
nat_stop=$(refuse natural stopped_by) nat_error=$(refuse natural error)
cap_started=$(refuse capped_as started) cap_joined=$(refuse capped_as joined)
cap_error=$(refuse capped_as error) cap_limit=$(refuse capped_as limit)
nat_refused=0 cap_refused=0
[ "$nat_error" != none ] && nat_refused=1
[ -n "$cap_error" ] && [ "$cap_error" != none ] && cap_refused=1
pid_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo unknown)
map_count=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo unknown)
refuse_ok=$(verdict "($nat_refused || $cap_refused) && $nat_started == $nat_joined && 0${cap_started:-0} == 0${cap_joined:-0}")
if [ "$nat_refused" = 1 ]; then
    nat_text="pushed without a cap, thread $((nat_started + 1)) was refused ($nat_error); all $nat_joined started were joined"
else
    nat_text="pushed without a cap, $nat_started threads ran at once and the $nat_stop bound came first (this system's ceilings: kernel.pid_max $pid_max, vm.max_map_count $map_count)"
fi
if [ "$cap_refused" = 1 ]; then
    cap_text="with the address space capped $cap_limit MiB above use, thread $((cap_started + 1)) was refused ($cap_error) and all $cap_joined started were joined"
else
    cap_text="with the address space capped, no thread was refused (${cap_started:-none} started)"
fi

# ---- Claim 3: an error inside a thread is lost unless carried back.
lost_seen=$(csv_value "$RUN/57_errors.csv" errors_seen variant=lost)
lost_join=$(csv_value "$RUN/57_errors.csv" join_failures variant=lost)
lost_grid=$(csv_value "$RUN/57_errors.csv" grid_correct variant=lost)
carried_seen=$(csv_value "$RUN/57_errors.csv" errors_seen variant=carried)
carried_cell="($(csv_value "$RUN/57_errors.csv" error_y variant=carried), $(csv_value "$RUN/57_errors.csv" error_x variant=carried))"
error_ok=$(verdict "$lost_seen == 0 && $lost_join == 0 && $carried_seen == 1")
py_lost=""
if [ -f "$RUN/57_python.csv" ]; then
    py_lost=$(csv_value "$RUN/57_python.csv" us_per_thread variant=lost_error)
fi

{
    echo "| 57 | threads cost start-up time and a stack each | $cost_ok: create + join ${thread_us} us per thread at $largest threads, at least ${min_ratio}x a call to the same cell's rules; ${reserved} KiB stack reserved by default, ${virtual} KiB of address space and ${resident} KiB resident per live thread at $mem_largest |"
    echo "| 57 | spawning thousands of threads fails at some point | $refuse_ok: $cap_text; $nat_text |"
    echo "| 57 | an error inside a thread is lost unless carried back | $error_ok: lost: $lost_join of 45 joins failed, the caller saw $lost_seen errors$([ "$lost_grid" = 0 ] && echo ' and kept a wrong grid'); carried: the caller saw $carried_seen, at cell $carried_cell |"
} >"$RUN/57.verdicts"

# ---- Charts.
groups="thread thread_pinned call"
labels="C:_a_thread_created_and_joined C:_the_same,_pinned_to_CPU_0 a_call_to_the_rules_function"
if [ -f "$RUN/57_python.csv" ]; then
    pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    groups="thread thread_pinned cpython_thread call"
    labels="C:_a_thread_created_and_joined C:_the_same,_pinned_to_CPU_0 CPython_${pyver}:_a_Thread_started_and_joined a_call_to_the_rules_function"
fi
plot_lines "$RUN/57_cost_chart.csv" "$RUN/57_cost" \
    title="Item 57: what a thread costs to start and join (N started, then N joined)" \
    xlabel="threads started at once (N)" ylabel="time per thread (microseconds)" \
    xcol=threads ycol=median lowcol=lo highcol=hi groupcol=variant groups="$groups" \
    labels="$labels" logx=10 logy=10

{
    echo "kind,threads,round,kib"
    awk -F, -v OFS=, 'NR > 1 { print "reserved", $1, $2, $4; print "virtual", $1, $2, $5;
        print "resident", $1, $2, ($6 > 0.01 ? $6 : 0.01) }' "$RUN/57_memory.csv"
} >"$RUN/57_memory_long.csv"
summarize "$RUN/57_memory_long.csv" "$RUN/57_memory_chart.csv" kind,threads kib
plot_lines "$RUN/57_memory_chart.csv" "$RUN/57_memory" \
    title="Item 57: memory per live thread, N threads parked at once" \
    xlabel="threads alive at once (N)" ylabel="KiB per thread (log scale)" \
    xcol=threads ycol=median lowcol=lo highcol=hi groupcol=kind groups="reserved virtual resident" \
    labels="default_stack_size_(reserved) address_space_added resident_memory_added" \
    logx=10 logy=10

life_x=$(awk -F, 'NR == 1 { next } $1 == "serial" { s[$8] = $9 } $1 == "thread_per_cell" { t[$8] = $9 }
    END { for (r in s) if (t[r] > 0) print s[r] / t[r] }' "$RUN/57_life.csv" |
    sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.3g", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
life_t=$(median "$RUN/57_life.csv" gen_s variant=thread_per_cell)
life_serial=$(median "$RUN/57_life.csv" gen_s variant=serial)
life_peak=$(awk -F, 'NR > 1 && $1 == "thread_per_cell" && $11 > m { m = $11 } END { print m + 0 }' "$RUN/57_life.csv")

{
    cat <<EOT
## Item 57: no new thread per fan-out ([items/57_thread_per_cell](../../items/57_thread_per_cell/README.md))

The Game of Life of item 56 with a new thread for every cell of every
generation (fan-out), all joined before the next (fan-in), over a grid whose
get and set take a mutex, as the book's \`LockingGrid\`. Every run's grid is
checked against the serial one. On the book's 5 x 9 grid with 1 ms of I/O per
cell, a thread per cell took **$(calc "$life_t * 1000") ms** per generation
against $(calc "$life_serial * 1000") ms serially (**${life_x}x** faster, median of the rounds; up to
$life_peak threads at once): fan-out works. Its costs are the point here.

![Item 57, cost per thread](57_cost.svg)

**The book's claim:** threads cost start-up time and a stack each (8 MiB
reserved by default).

**Measured:** starting and joining a thread took **${thread_us} us** at $largest
threads ($thread_spread), at least **${min_ratio}x** the cost of calling the same
cell's rules as a function (${call_us} us). The default stack is **${reserved} KiB**
(\`pthread_attr_getstacksize\`, from \`RLIMIT_STACK\`). Pinned to one CPU, where a new
thread waits for its creator to yield, a thread cost $(awk -F, -v n="$largest" 'NR > 1 && $1 == "thread_pinned" && $2 == n { printf "%.3g", $3 }' "$RUN/57_cost_chart.csv") us at $largest threads; with $mem_largest threads
alive at once the address space grew by **${virtual} KiB** per thread but resident
memory by only **${resident} KiB**: the stack is reserved, and only the pages a
thread touches become real memory. **Verdict: $cost_ok.**

| threads | create + join per thread (us) | the same, pinned to CPU 0 (us) | a call (us) | thread / call | CPython Thread start + join (us) |
|---:|---:|---:|---:|---:|---:|
$(awk -F, 'FNR == 1 { f++; next } f == 1 { r[$1] = sprintf("%.0f (%.0f-%.0f)", $2, $3, $4); next }
    $1 == "thread" { t[$2] = sprintf("%.3g (%.3g-%.3g)", $3, $4, $5) }
    $1 == "call" { c[$2] = sprintf("%.3g", $3) }
    $1 == "cpython_thread" { p[$2] = sprintf("%.3g (%.3g-%.3g)", $3, $4, $5) }
    $1 == "thread_pinned" { q[$2] = sprintf("%.3g (%.3g-%.3g)", $3, $4, $5) }
    END { for (n in t) printf "| %s | %s | %s | %s | %s | %s |\n", n, t[n], (n in q) ? q[n] : "not run",
        c[n], r[n], (n in p) ? p[n] : "not run" }' \
    "$RUN/57_cost_ratio_summary.csv" "$RUN/57_cost_chart.csv" | sort -t'|' -k2,2n)

![Item 57, memory per thread](57_memory.svg)

| threads alive | reserved stack (KiB) | address space added per thread (KiB) | resident added per thread (KiB) |
|---:|---:|---:|---:|
$(awk -F, 'NR > 1 && $2 == 0 { printf "| %s | %s | %s | %s |\n", $3, $4, $5, $6 }' "$RUN/57_memory.csv")

At small N the address space grows by less than a stack per thread: glibc
keeps up to 40 MiB of freed stacks and gives them to new threads.

**The book's claim:** spawning thousands of threads fails at some point.

**Measured:** $cap_text; $nat_text. The refusal is \`pthread_create\` returning
\`EAGAIN\`; the program stops starting threads, joins every one it started and
goes on, never crashing. **Verdict: $refuse_ok.**

**The book's claim:** an exception inside a thread is printed by the runtime,
and \`join\` returns as if nothing happened; the error is lost unless the
program carries it back.

**Measured:** one generation of the book's grid with cell (2, 3)'s I/O failing.
Lost: the thread printed \`$(head -n 1 "$RUN/57_errors.stderr" 2>/dev/null || echo '(nothing)')\`,
$lost_join of 45 joins reported a failure and the caller saw $lost_seen errors;
its next grid was $([ "$lost_grid" = 1 ] && echo "right" || echo "silently wrong at that cell").
Carried (the thread stores its error in its own slot, read after the join):
the caller saw $carried_seen error, at cell $carried_cell.$([ "$py_lost" = 1 ] && echo " CPython did the same: the thread's exception went to \`threading.excepthook\` and \`join()\` returned normally.")
**Verdict: $error_ok.**

Raw data: [57_life.csv](57_life.csv), [57_cost.csv](57_cost.csv), [57_cost_pinned.csv](57_cost_pinned.csv),
[57_memory.csv](57_memory.csv), [57_refuse.csv](57_refuse.csv),
[57_errors.csv](57_errors.csv)$([ -f "$RUN/57_python.csv" ] && echo ", [57_python.csv](57_python.csv) (CPython, \`harness/python/57_threads.py\`)" || echo "; CPython was not available on this machine, so only the C program was run").
EOT
} >"$RUN/57.md"
