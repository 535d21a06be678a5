#!/bin/sh
# Item 54: K threads add 1 to one shared counter. How many updates each
# method loses as K grows, what each costs per increment, how small counts
# hide the race, and (where python3 exists) CPython itself.
# Races are noisy, so the program repeats every combination (--rounds) and
# every point is a median. A race needs two threads counting at the same
# time: each row records overlap_s, the longest time two threads did, and a
# run whose threads never met (overlap_s 0: a busy machine) cannot decide
# whether unlocked code loses updates.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/54_data_races"
cores=$(getconf _NPROCESSORS_ONLN)
if [ "$QUICK" = 1 ]; then
    threads=1,2,4 iterations=1000000 racy_iterations=20000000 rounds=3 py_n=100000
    sweep_gil=100,1000,10000,100000,1000000
    sweep_racy=$sweep_gil,10000000
else
    threads=1,2,4,8,16 iterations=2000000 racy_iterations=50000000 rounds=5 py_n=500000
    sweep_gil=100,1000,10000,100000,1000000,10000000
    sweep_racy=$sweep_gil,100000000
fi
smallest=${sweep_racy%%,*} biggest=${sweep_racy##*,}
# One tick of the C model costs about 1 ns where a CPython bytecode costs tens,
# so 0.2 ms here gives about as many increments per switch interval as
# CPython's 5 ms does (items/54_data_races/README.md).
interval_ms=0.2

if measuring; then
    progress "54: every method, threads $threads x $iterations increments, $rounds rounds (GIL new, ${interval_ms} ms)"
    "$prog" --csv --threads "$threads" --iterations "$iterations" --interval "$interval_ms" \
        --rounds "$rounds" >"$RUN/54_methods.csv"
    # racy costs well under 1 ns an increment: at $iterations a thread may be
    # done within one time slice, before the other starts. The claim's own
    # run counts for milliseconds, so that the threads meet even on a busy
    # machine.
    progress "54: racy alone, threads $threads x $racy_iterations increments, $rounds rounds"
    "$prog" --csv --method racy --threads "$threads" --iterations "$racy_iterations" \
        --rounds "$rounds" >"$RUN/54_racy.csv"
    progress "54: gil_racy under the old GIL (release every 100 ticks), $rounds rounds"
    "$prog" --csv --method gil_racy --policy old --threads "$threads" --iterations "$iterations" \
        --rounds "$rounds" >"$RUN/54_gil_old.csv"
    # racy is so cheap (well under 1 ns) that it sweeps further: a thread must
    # count for milliseconds to be sure of overlapping another on a busy machine.
    progress "54: racy and gil_racy at 2 threads, iterations $sweep_racy, $rounds rounds"
    "$prog" --csv --method racy --threads 2 --iterations "$sweep_racy" --rounds "$rounds" \
        >"$RUN/54_sweep_racy.csv"
    "$prog" --csv --method gil_racy --threads 2 --iterations "$sweep_gil" --interval "$interval_ms" \
        --rounds "$rounds" >"$RUN/54_sweep_gil.csv"
    rm -f "$RUN/54_python.csv"
    if command -v python3 >/dev/null 2>&1; then
        progress "54: the same counter in CPython ($(python3 --version 2>&1))"
        python3 "$HARNESS/python/54_counter.py" "$py_n" >"$RUN/54_python.csv"
    fi
fi

# medians XCOL FILE...: one row per (series, x) over the rounds: the lost
# percentage (median, min, max), the ns per increment and cores busy
# (medians), the runs, and the runs whose threads met (overlap_s > 0).
# series is the method, with _old appended under the old GIL; x is the
# column XCOL.
medians() {
    xcol=$1
    shift
    awk -F, -v xcol="$xcol" '
        function sort(a, n,   i, j, t) {
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        }
        function median(a, n) { sort(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        {
            key = $c["method"] ($c["policy"] == "old" ? "_old" : "") "," $c[xcol]
            if (!(key in n)) order[++keys] = key
            k = ++n[key]
            ns[key, k] = $c["ns_per_increment"]
            busy[key, k] = $c["cores_busy"]
            if ($c["overlap_s"] > 0) m[key]++
            lost[key, ++l[key]] = 100 * $c["lost"] / $c["expected"]
        }
        END {
            for (i = 1; i <= keys; i++) {
                key = order[i]
                if (l[key] == 0) continue
                for (k = 1; k <= l[key]; k++) a[k] = lost[key, k]
                med = median(a, l[key])
                for (k = 1; k <= n[key]; k++) { b[k] = ns[key, k]; d[k] = busy[key, k] }
                printf "%s,%.4f,%.4f,%.4f,%.4g,%.2f,%d,%d\n", key, med, a[1], a[l[key]],
                    median(b, n[key]), median(d, n[key]), n[key], m[key] + 0
            }
        }' "$@"
}
header="lost_pct,lo,hi,ns_per_increment,cores_busy,runs,runs_met"
{
    echo "series,threads,$header"
    medians threads "$RUN/54_methods.csv" "$RUN/54_gil_old.csv"
    sed 's/^racy,/racy_long,/' "$RUN/54_racy.csv" | medians threads -
} >"$RUN/54_by_threads.csv"
{
    echo "series,iterations,$header"
    medians iterations "$RUN/54_sweep_racy.csv" "$RUN/54_sweep_gil.csv"
} >"$RUN/54_by_iterations.csv"

plot_lines "$RUN/54_by_threads.csv" "$RUN/54_lost" \
    title="Item 54: updates lost by K threads adding to one counter ($cores cores)" \
    xlabel="threads (K); increments each: $iterations unless named" \
    ylabel="updates lost (%; median, bars min-max)" \
    xcol=threads ycol=lost_pct lowcol=lo highcol=hi groupcol=series logx=2 ymin=0 \
    groups="racy_long racy gil_racy gil_racy_old" \
    labels="racy,_${racy_iterations}_each racy,_${iterations}_each gil_racy_(new_GIL,_${interval_ms}_ms) gil_racy_(old_GIL,_100_ticks)"
plot_lines "$RUN/54_by_threads.csv" "$RUN/54_cost" \
    title="Item 54: cost of one increment, by method ($cores cores)" \
    xlabel="threads (K), $iterations increments each" ylabel="wall ns per increment (median)" \
    xcol=threads ycol=ns_per_increment groupcol=series logx=2 logy=10 \
    groups="racy mutex atomic gil_racy gil_mutex gil_atomic" \
    labels="racy_(wrong_total) mutex atomic gil_racy_(wrong_total) gil_mutex gil_atomic"
plot_lines "$RUN/54_by_iterations.csv" "$RUN/54_sweep" \
    title="Item 54: small counts hide the race (2 threads; every run)" \
    xlabel="increments per thread" \
    ylabel="updates lost (%; median, bars min-max)" \
    xcol=iterations ycol=lost_pct lowcol=lo highcol=hi groupcol=series logx=10 ymin=0 \
    groups="racy gil_racy" labels="racy gil_racy_(new_GIL,_${interval_ms}_ms)"

# ---- The figures the report states, all from this run's CSVs.
# count FILE CONDITION: rows (after the header) where the awk condition holds;
# columns by name as c["name"].
count() {
    awk -F, "FNR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next } $2 { n++ } END { print n + 0 }" "$1"
}
M=$RUN/54_methods.csv
R=$RUN/54_racy.csv
locked='$c["method"] ~ /^(mutex|atomic|gil_mutex|gil_atomic)$/'
racy2='$c["method"] == "racy" && $c["threads"] > 1'
correct_runs=$(count "$M" "$locked")
correct_lost=$(awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["method"] ~ /^(mutex|atomic|gil_mutex|gil_atomic)$/ { s += $c["lost"] } END { print s + 0 }' "$M")
racy_one_lost=$(awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["method"] == "racy" && $c["threads"] == 1 { s += $c["lost"] } END { print s + 0 }' "$R")
racy_runs=$(count "$R" "$racy2")
racy_met=$(count "$R" "$racy2 && \$c[\"overlap_s\"] > 0")
racy_losing=$(count "$R" "$racy2 && \$c[\"lost\"] > 0")
racy_max=$(awk -F, 'NR > 1 && $1 == "racy_long" && $3 > m { m = $3 } END { print m + 0 }' "$RUN/54_by_threads.csv")
# Decidable when the threads met at least once, or when the answer is
# already known: a loss seen, or a locked total wrong.
claim_ok=$(decide "$correct_lost == 0 && $racy_one_lost == 0 && $racy_losing > 0" \
    "$racy_met > 0 || $racy_losing > 0 || $correct_lost > 0 || $racy_one_lost > 0" \
    "in all $racy_runs racy runs of 2 or more threads the threads never counted at the same time")

gil2='$c["method"] == "gil_racy" && $c["threads"] > 1'
gil_runs=$(count "$M" "$gil2")
gil_switched=$(count "$M" "$gil2 && \$c[\"gil_forced_drops\"] > 0")
gil_losing=$(count "$M" "$gil2 && \$c[\"lost\"] > 0")
gil_max=$(awk -F, 'NR > 1 && $1 == "gil_racy" && $3 > m { m = $3 } END { print m + 0 }' "$RUN/54_by_threads.csv")
gil_ok=$(decide "$gil_losing > 0" "$gil_switched > 0 || $gil_losing > 0" \
    "the GIL never took over from a thread mid-run in $gil_runs gil_racy runs")

S=$RUN/54_sweep_racy.csv
at_size() { count "$S" "\$c[\"iterations\"] == $1 && $2"; }
small_losing=$(at_size "$smallest" '$c["overlap_s"] > 0 && $c["lost"] > 0')
small_runs=$(at_size "$smallest" 1)
small_met=$(at_size "$smallest" '$c["overlap_s"] > 0')
big_met=$(at_size "$biggest" '$c["overlap_s"] > 0')
big_losing=$(at_size "$biggest" '$c["overlap_s"] > 0 && $c["lost"] > 0')
# Hidden: at the smallest count at most a minority of the runs lost anything.
small_ok=$(decide "$small_losing * 2 < $small_runs && $big_losing > 0" "$big_met > 0 || $big_losing > 0" \
    "at $biggest increments the two threads never counted at the same time")

# CPython: the book's shape, and the same add with a call between read and write.
if [ -s "$RUN/54_python.csv" ]; then
    pyver=$(awk -F, 'NR == 2 { print $1 }' "$RUN/54_python.csv")
    py_lost() { # py_lost SHAPE: percent lost, largest over the thread counts
        awk -F, -v s="$1" 'NR > 1 && $2 == s { p = 100 * $7 / $5; if (p > m) m = p } END { printf "%.3g", m }' \
            "$RUN/54_python.csv"
    }
    book=$(py_lost in_a_method) call=$(py_lost read_call_write) locked_py=$(py_lost locked)
    book_ok=$(verdict "$book > 0")
    call_ok=$(verdict "$call > 0 && $locked_py == 0")
fi

{
    echo "| 54 | without a lock the total is wrong; with one it is exact | $claim_ok: racy lost updates in $racy_losing of $racy_runs runs of 2+ threads ($racy_met met), up to $(calc "$racy_max")% (median); mutex, atomic, gil_mutex, gil_atomic lost $correct_lost in $correct_runs runs |"
    echo "| 54 | (the C model) a GIL does not make load-add-store atomic | $gil_ok: gil_racy lost updates in $gil_losing of $gil_runs runs, up to $(calc "$gil_max")% (median), ${interval_ms} ms switch interval |"
    echo "| 54 | small counts hide the race | $small_ok: 2 threads x $smallest lost in $small_losing of $small_runs runs ($small_met met); x $biggest lost in $big_losing of the $big_met runs whose threads met |"
    if [ -s "$RUN/54_python.csv" ]; then
        echo "| 54 | (CPython $pyver) the book's example, += inside a method, loses updates | $book_ok: it lost up to ${book}% ($py_n increments per thread, 2 and 4 threads) |"
        echo "| 54 | (CPython $pyver) a call between the read and the write loses updates; a Lock makes it exact | $call_ok: read, call, write lost up to ${call}%; under a Lock ${locked_py}% |"
    fi
} >"$RUN/54.verdicts"

{
    cat <<EOT
## Item 54: use a lock to prevent data races ([items/54_data_races](../../items/54_data_races/README.md))

K threads, let go together, each add 1 to one shared counter $iterations times.
**racy** reads then writes (relaxed atomics: a lost update with defined
behaviour); **mutex** and **atomic** are the two fixes; the **gil_** methods do
the same under the GIL-like lock of Item 53 (new policy, ${interval_ms} ms switch
interval: about as many increments between switches as CPython's 5 ms gives
it), where the unlocked add is three ticks: load, add, store. Every
combination ran $rounds times, one round after another, on $cores cores.

![Item 54, lost updates](54_lost.svg)

The chart draws the methods without a lock; the locked and atomic ones lose
nothing at any point (the table below).

**The book's claim:** without a lock, threads that update one value lose
updates and the total comes out wrong; with a lock it is exact.

**Measured:** a race needs two threads counting at the same moment. Each run
records the longest time two of its threads did (overlap). racy is so cheap
that at $iterations increments a thread may finish within one time slice,
before the other starts (the table below: runs whose threads met), so its
claim has a run of its own at $racy_iterations increments per thread
([54_racy.csv](54_racy.csv)). In $racy_met of its
$racy_runs runs with two or more threads the threads met, and $racy_losing runs
lost updates, up to $(calc "$racy_max")% (median at one thread count). With a
single thread racy lost $racy_one_lost. mutex, atomic, gil_mutex and gil_atomic
lost **$correct_lost** updates in $correct_runs runs. **Verdict: $claim_ok.**
(The control: at least one racy run whose threads met; with none, the machine
was too busy to decide.)

Under the GIL the unlocked add still loses updates: gil_racy lost some in
$gil_losing of $gil_runs runs, up to $(calc "$gil_max")% (median). A thread switched out between
its load and its store comes back and writes a value that is a whole switch
interval stale. **Verdict (the C model): $gil_ok.** (The control: the GIL took
over from a running thread in $gil_switched of those runs.)

| series | threads | lost (% of expected), median (min-max) | ns per increment | cores busy | runs whose threads met |
|---|---:|---:|---:|---:|---:|
EOT
    awk -F, 'NR > 1 { printf "| %s | %s | %.2f (%.2f-%.2f) | %.3g | %.2f | %s of %s |\n", $1, $2, $3, $4, $5, $6, $7, $9, $8 }' \
        "$RUN/54_by_threads.csv"
    cat <<EOT

![Item 54, cost per increment](54_cost.svg)

ns per increment is the wall time from the first thread's start to the last
one's finish, divided by all the increments; cores busy is the threads' CPU
time over that wall time: near 1 when they took turns (under the GIL always,
and without it when other work held a core), near $cores when they really ran
at once. racy_plain (a plain \`long\`, a data race and so undefined behaviour)
is measured ([54_methods.csv](54_methods.csv)) but not drawn: gcc turns its
loop into a single add, so its figures say nothing about races.

![Item 54, small counts](54_sweep.svg)

**Small counts hide the race:** with 2 threads and $smallest increments each,
racy lost updates in $small_losing of $small_runs runs (their threads met in
$small_met); at $biggest increments, in $big_losing of the $big_met runs whose
threads met. The chart and the table draw every run; the last column says in
how many the two threads ever counted at the same time: at small counts one
finishes before the other starts, which is how small counts hide the race.
**Verdict: $small_ok.**

| series | increments | lost (%), median (min-max) | runs whose threads met |
|---|---:|---:|---:|
EOT
    awk -F, 'NR > 1 { printf "| %s | %s | %.2f (%.2f-%.2f) | %s of %s |\n", $1, $2, $3, $4, $5, $9, $8 }' \
        "$RUN/54_by_iterations.csv"
    cat <<EOT

Raw runs: [54_methods.csv](54_methods.csv), [54_racy.csv](54_racy.csv), [54_gil_old.csv](54_gil_old.csv),
[54_sweep_racy.csv](54_sweep_racy.csv), [54_sweep_gil.csv](54_sweep_gil.csv).
EOT
    if [ -s "$RUN/54_python.csv" ]; then
        cat <<EOT

**CPython itself** ([54_python.csv](54_python.csv), switch interval 1 ms):
CPython 3.10 and later only switch threads at certain points (a call into a
Python function, a backward jump), so \`self.count += offset\` inside a method,
the book's own shape, has no switch point in the middle: on CPython $pyver it
lost up to ${book}% here (**verdict for the book's example: $book_ok**). Put a
Python call between the read and the write and the loss is back (${call}%);
a \`threading.Lock\` makes it exact again (${locked_py}%). **Verdict: $call_ok.**
The code without a lock is wrong on every version; whether it shows depends
on where the interpreter may switch.

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
