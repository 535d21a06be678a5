#!/bin/sh
# Item 54: K threads add 1 to one shared counter. How many updates each
# method loses as K grows, what each costs per increment, how small counts
# hide the race, and (where python3 exists) CPython itself.
# Races are noisy, so every point is the median of several runs.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/54_data_races"
cores=$(getconf _NPROCESSORS_ONLN)
if [ "$QUICK" = 1 ]; then
    threads=1,2,4,8 iterations=1000000 repeats=3 py_n=100000
    sweep_gil=100,1000,10000,100000,1000000
    sweep_racy=$sweep_gil,10000000
else
    threads=1,2,4,8,16 iterations=2000000 repeats=5 py_n=500000
    sweep_gil=100,1000,10000,100000,1000000,10000000
    sweep_racy=$sweep_gil,100000000
fi
largest=${threads##*,}
# One tick of the C model costs about 1 ns where a CPython bytecode costs tens,
# so 0.2 ms here gives about as many increments per switch interval as
# CPython's 5 ms does (items/54_data_races/README.md).
interval_ms=0.2

# run_repeats OUT ARGS...: the program's CSV, run $repeats times, with a run
# column in front. A locked method with a wrong total exits 1 ("!!!") and,
# through set -e, fails the item.
run_repeats() {
    out=$1
    shift
    : >"$out.tmp"
    i=1
    while [ "$i" -le "$repeats" ]; do
        "$prog" --csv "$@" | awk -F, -v run="$i" 'NR == 1 { print "run," $0; next } { print run "," $0 }' >>"$out.tmp"
        i=$((i + 1))
    done
    awk 'NR == 1 || !/^run,/' "$out.tmp" >"$out"
    rm -f "$out.tmp"
}

progress "54: every method, threads $threads x $iterations increments, $repeats runs (GIL new, ${interval_ms} ms)"
run_repeats "$RUN/54_methods.csv" --threads "$threads" --iterations "$iterations" --interval "$interval_ms"
progress "54: gil_racy under the old GIL (release every 100 ticks), $repeats runs"
run_repeats "$RUN/54_gil_old.csv" --method gil_racy --policy old --threads "$threads" --iterations "$iterations"
# racy is so cheap (well under 1 ns) that it sweeps further: a thread must
# count for milliseconds to be sure of overlapping another on a busy machine.
progress "54: racy and gil_racy at 2 threads, iterations $sweep_racy, $repeats runs"
run_repeats "$RUN/54_sweep_racy.csv" --method racy --threads 2 --iterations "$sweep_racy"
run_repeats "$RUN/54_sweep_gil.csv" --method gil_racy --threads 2 --iterations "$sweep_gil" --interval "$interval_ms"

# medians FILE...: one row per (series, x) with the medians over the runs of
# the lost percentage, the ns per increment and the cores busy. series is the method, with _old
# appended under the old GIL; x is the column named by $xcol.
medians() {
    awk -F, -v xcol="$xcol" '
        function median(a, n,   i, j, t) {
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        {
            key = $c["method"] ($c["policy"] == "old" ? "_old" : "") "," $c[xcol]
            if (!(key in n)) order[++keys] = key
            k = ++n[key]
            lost[key, k] = 100 * $c["lost"] / $c["expected"]
            ns[key, k] = $c["ns_per_increment"]
            busy[key, k] = $c["cores_busy"]
        }
        END {
            for (i = 1; i <= keys; i++) {
                key = order[i]
                for (k = 1; k <= n[key]; k++) { a[k] = lost[key, k]; b[k] = ns[key, k]; d[k] = busy[key, k] }
                printf "%s,%.4f,%.4g,%.2f,%d\n", key, median(a, n[key]), median(b, n[key]), median(d, n[key]), n[key]
            }
        }' "$@"
}
{
    echo "series,threads,lost_pct,ns_per_increment,cores_busy,runs"
    xcol=threads medians "$RUN/54_methods.csv" "$RUN/54_gil_old.csv"
} >"$RUN/54_by_threads.csv"
{
    echo "series,iterations,lost_pct,ns_per_increment,cores_busy,runs"
    xcol=iterations medians "$RUN/54_sweep_racy.csv" "$RUN/54_sweep_gil.csv"
} >"$RUN/54_by_iterations.csv"

# ---- CPython itself: the book's shape (the add inside a method) and the same
# add with a Python-level call between the read and the write.
if command -v python3 >/dev/null 2>&1; then
    progress "54: the same counter in CPython ($(python3 --version 2>&1))"
    python3 "$HARNESS/python/54_counter.py" "$py_n" >"$RUN/54_python.csv"
fi

plot_lines "$RUN/54_by_threads.csv" "$RUN/54_lost" \
    title="Item 54: updates lost by K threads adding to one counter ($cores cores)" \
    xlabel="threads (K), $iterations increments each" ylabel="updates lost (% of expected, median of $repeats runs)" \
    xcol=threads ycol=lost_pct groupcol=series logx=2 ymin=0 \
    groups="racy gil_racy gil_racy_old" \
    labels="racy gil_racy_(new_GIL,_${interval_ms}_ms) gil_racy_(old_GIL,_100_ticks)"
plot_lines "$RUN/54_by_threads.csv" "$RUN/54_cost" \
    title="Item 54: cost of one increment, by method ($cores cores)" \
    xlabel="threads (K), $iterations increments each" ylabel="wall ns per increment (all threads, median)" \
    xcol=threads ycol=ns_per_increment groupcol=series logx=2 logy=10 \
    groups="racy mutex atomic gil_racy gil_mutex gil_atomic" \
    labels="racy_(wrong_total) mutex atomic gil_racy_(wrong_total) gil_mutex gil_atomic"
plot_lines "$RUN/54_by_iterations.csv" "$RUN/54_sweep" \
    title="Item 54: small counts hide the race (2 threads)" \
    xlabel="increments per thread" ylabel="updates lost (% of expected, median of $repeats runs)" \
    xcol=iterations ycol=lost_pct groupcol=series logx=10 ymin=0 \
    groups="racy gil_racy" labels="racy gil_racy_(new_GIL,_${interval_ms}_ms)"

# ---- The figures the report states, all from this run.
at() { csv_value "$RUN/54_by_threads.csv" "$2" series="$1" threads="$3"; }
correct_lost=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["method"] ~ /^(mutex|atomic|gil_mutex|gil_atomic)$/ { s += $c["lost"]; n++ }
    END { printf "%d %d", s, n }' "$RUN/54_methods.csv")
correct_runs=${correct_lost#* } correct_lost=${correct_lost% *}
racy_runs_losing=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["method"] == "racy" && $c["threads"] > 1 { n++; if ($c["lost"] > 0) l++ }
    END { printf "%d of %d", l, n }' "$RUN/54_methods.csv")
gil_runs_losing=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["method"] == "gil_racy" && $c["threads"] > 1 { n++; if ($c["lost"] > 0) l++ }
    END { printf "%d of %d", l, n }' "$RUN/54_methods.csv")
racy_max=$(awk -F, 'NR > 1 && $1 == "racy" && $3 > m { m = $3 } END { print m + 0 }' "$RUN/54_by_threads.csv")
gil_max=$(awk -F, 'NR > 1 && $1 == "gil_racy" && $3 > m { m = $3 } END { print m + 0 }' "$RUN/54_by_threads.csv")
racy_one=$(at racy lost_pct 1)
small_racy=$(csv_value "$RUN/54_by_iterations.csv" lost_pct series=racy iterations=100)
claim_ok=$(verdict "$correct_lost == 0 && $racy_max > 0 && $racy_one == 0")
gil_ok=$(verdict "$gil_max > 0")

{
    echo "| 54 | without a lock the total is wrong; with one it is exact | $claim_ok: racy lost up to $(calc "$racy_max")% (median); mutex, atomic, gil_mutex, gil_atomic lost $correct_lost in $correct_runs runs |"
    echo "| 54 | (the C model) a GIL does not make load-add-store atomic | $gil_ok: gil_racy lost up to $(calc "$gil_max")% (median) with a ${interval_ms} ms switch interval |"
} >"$RUN/54.verdicts"

{
    cat <<EOT
## Item 54: use a lock to prevent data races ([items/54_data_races](../../items/54_data_races/README.md))

K threads, let go together, each add 1 to one shared counter $iterations times.
**racy** reads then writes (relaxed atomics: a lost update with defined
behaviour); **mutex** and **atomic** are the two fixes; the **gil_** methods do
the same under the GIL-like lock of Item 53 (new policy, ${interval_ms} ms switch
interval: about as many increments between switches as CPython's 5 ms gives
it), where the unlocked add is three ticks: load, add, store. Every point is the median of $repeats runs on $cores cores.

![Item 54, lost updates](54_lost.svg)

The chart draws the methods without a lock; the locked and atomic ones lose
nothing at any point (the table below).

**The book's claim:** without a lock, threads that update one value lose
updates and the total comes out wrong; with a lock it is exact.

**Measured:** racy lost updates in $racy_runs_losing runs with two or more
threads, up to $(calc "$racy_max")% of them (median at one thread count), and
$(calc "$racy_one")% with a single thread. mutex, atomic, gil_mutex and gil_atomic
lost **$correct_lost** updates in $correct_runs runs. **Verdict: $claim_ok.**

Under the GIL the unlocked add still loses updates: gil_racy lost some in
$gil_runs_losing runs, up to $(calc "$gil_max")% (median). A thread switched out between
its load and its store comes back and writes a value that is a whole switch
interval stale. **Verdict (the C model): $gil_ok.**

| series | threads | lost (% of expected) | ns per increment | cores busy | runs |
|---|---:|---:|---:|---:|---:|
EOT
    awk -F, 'NR > 1 { printf "| %s | %s | %.2f | %.3g | %.2f | %s |\n", $1, $2, $3, $4, $5, $6 }' "$RUN/54_by_threads.csv"
    cat <<EOT

![Item 54, cost per increment](54_cost.svg)

Every column is the median of the runs. ns per increment is the wall time
from the first thread's start to the last one's finish, divided by all the
increments; cores busy is the threads' CPU time over that wall time: near 1
when they took turns (under the GIL always, and without it when other work
held a core), near $cores when they really ran at once. A racy row that lost
nothing with cores busy near 1 had threads that never overlapped. racy_plain (a plain \`long\`, a
data race and so undefined behaviour) is measured
([54_methods.csv](54_methods.csv)) but not drawn: gcc turns its loop into a
single add, so its figures say nothing about races.

![Item 54, small counts](54_sweep.svg)

**Small counts hide the race:** with 2 threads and 100 increments each, racy
lost $(calc "$small_racy")% (median); see [54_by_iterations.csv](54_by_iterations.csv) for
the rest. Raw runs: [54_methods.csv](54_methods.csv), [54_gil_old.csv](54_gil_old.csv),
[54_sweep_racy.csv](54_sweep_racy.csv), [54_sweep_gil.csv](54_sweep_gil.csv).
EOT
    if [ -f "$RUN/54_python.csv" ]; then
        cat <<EOT

**CPython itself** ([54_python.csv](54_python.csv), switch interval 1 ms):
CPython 3.10 and later only switch threads at certain points (a call into a
Python function, a backward jump), so \`self.count += offset\` inside a method,
the book's own shape, has no switch point in the middle and rarely loses
anything there. Put a Python call between the read and the write and the loss
is back; a \`threading.Lock\` makes it exact again.

| interpreter | shape | threads x increments | expected | actual | lost |
|---|---|---|---:|---:|---:|
EOT
        awk -F, 'NR > 1 { printf "| CPython %s | %s | %s x %s | %s | %s | %.1f%% |\n",
            $1, $2, $3, $4, $5, $6, 100 * $7 / $5 }' "$RUN/54_python.csv"
    else
        echo
        echo "CPython was not available on this machine, so only the C model was run."
    fi
} >"$RUN/54.md"
