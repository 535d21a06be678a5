#!/bin/sh
# report/54.sh - Item 54's section of the report (on stdout), from
# 54.figures, 54.verdicts and the CSVs of this run.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/54.figures"
cores=$(getconf _NPROCESSORS_ONLN)
verdict() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/54.verdicts"; }
root=../../..
M=$RUN/54_methods.csv

# One row per method and thread count at the book's 100000: lost (% of the
# total), the runs that lost anything, the cost, the cores at work.
method_rows() {
    for m in racy racy_plain mutex atomic gil_racy gil_mutex gil_atomic; do
        for k in $(mlr --icsv --onidx cut -f threads then uniq -a "$M"); do
            n=$(count_rows "$M" method="$m" threads="$k")
            short=$(mlr --icsv --onidx filter '$method == "'"$m"'" && $threads == '"$k"' && $lost > 0' then count "$M")
            printf '| %s | %s | %s | %s of %s | %s | %s |\n' "$m" "$k" \
                "$(calc "100 * $(median "$M" lost method="$m" threads="$k") / $(csv_value "$M" expected method="$m" threads="$k")")" \
                "${short:-0}" "$n" \
                "$(calc "$(median "$M" ns_per_increment method="$m" threads="$k")")" \
                "$(calc "$(median "$M" cores_busy method="$m" threads="$k")")"
        done
    done
}
sweep_rows() {
    for m in racy gil_racy; do
        for n in $(mlr --icsv --onidx filter '$method == "'"$m"'"' then cut -f iterations then uniq -a "$RUN/54_sweep.csv"); do
            runs=$(count_rows "$RUN/54_sweep.csv" method="$m" iterations="$n")
            short=$(mlr --icsv --onidx filter '$method == "'"$m"'" && $iterations == '"$n"' && $lost > 0' then count "$RUN/54_sweep.csv")
            met=$(mlr --icsv --onidx filter '$method == "'"$m"'" && $iterations == '"$n"' && $overlap_s > 0' then count "$RUN/54_sweep.csv")
            printf '| %s | %s | %s of %s | %s of %s | %s |\n' "$m" "$n" "${short:-0}" "$runs" "${met:-0}" "$runs" \
                "$(calc "100 * $(highest "$RUN/54_sweep.csv" lost method="$m" iterations="$n") / (2 * $n)")"
        done
    done
}
python_rows() {
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$RUN/54_python.csv" | sort -t. -k1,1n -k2,2n); do
        for s in book book_locked call call_locked; do
            n=$(count_rows "$RUN/54_python.csv" python="$v" shape="$s")
            [ "$n" -gt 0 ] || continue
            short=$(mlr --icsv --onidx filter '$python == "'"$v"'" && $shape == "'"$s"'" && $lost > 0' then count "$RUN/54_python.csv")
            printf '| %s | %s | %s | %s of %s | %s |\n' "$v" "$s" \
                "$(csv_value "$RUN/54_python.csv" switching python="$v" shape="$s")" "${short:-0}" "$n" \
                "$(calc "100 * $(highest "$RUN/54_python.csv" lost python="$v" shape="$s") / $(csv_value "$RUN/54_python.csv" expected python="$v" shape="$s")")"
        done
    done
}

cat <<EOT
## Item 54: use a Lock to prevent data races ([items/54_data_races]($root/items/54_data_races/README.md))

K threads, let go together, each add 1 to one shared counter: without a lock
(**racy**: a read, then a write), with a **mutex**, with one **atomic** add,
and the same under Item 53's GIL-like lock (**gil_racy**, **gil_mutex**,
**gil_atomic**), where the unlocked add is three ticks (load, add, store) and
a tick is where the GIL may be taken away, as between bytecodes. The book's
setting: 5 threads x 100000. The model's GIL switches every 0.1 ms: C adds
about 40 times faster than CPython 3.8, so that holds about as many increments
between switches as CPython's 5 ms did. Every race ran in interleaved
rounds on $cores cores; the locked and atomic methods check their totals
(a wrong one stops the run).

![Item 54, lost updates](54_lost.svg)

**Under the GIL (\`54.gil\`: $(verdict 54.gil)).** The book's \`Counter\` in the
model, 5 threads x 100000: short in **$gil_short of $gil_runs runs** (median
$gil_median% lost). A thread switched out between its load and its store
comes back after the others have counted for a switch interval and stores
its stale value + 1. The book's \`LockingCounter\` under the same GIL, the
negative control, was exact every time (\`54.gil.neg\`: $(verdict 54.gil.neg)).
Under the model's old GIL (a forced drop every 100 ticks, Python 2's rule)
gil_racy was short in $gil_old runs (median $gil_old_median%); a run loses
only when another thread wins the lock at a drop that falls inside an
increment, and the dropping thread often takes it straight back. CPython
2.7 itself is in the table below.

**Without a GIL (\`54.lock\`: $(verdict 54.lock)).** racy, 5 threads x 5000000:
median $lock_median% lost; with a mutex (\`54.lock.neg\`: $(verdict 54.lock.neg))
exact. At the book's 100000 a C thread adds its share in about 30 us, less
than it takes to start the next thread: racy was short in $book_racy_short of
$book_racy_runs runs, and its threads met in $book_racy_met.

| method | threads | lost (% of the total, median) | runs short | ns per increment | cores busy |
|---|---:|---:|---:|---:|---:|
$(method_rows)

ns per increment is the wall time from the first thread's start to the last
one's finish over all the increments; cores busy is the threads' CPU time
over that wall time (near 1 when they took turns, up to $cores when they ran
at once). racy_plain (a plain \`long\`: a data race, undefined behaviour) is
measured but proves nothing: gcc -O2 adds each slice of 1,024 increments in
one go, so it loses whole slices or nothing.

![Item 54, cost per increment](54_cost.svg)

![Item 54, small counts](54_sweep.svg)

**Small counts hide the race (\`54.small\`, conclab's own: $(verdict 54.small)).**
Two racy threads at $small increments each never lose in most runs: one
finishes before the other starts. The negative control, $big increments
(\`54.small.neg\`: $(verdict 54.small.neg)). Under the GIL (gil_racy) a count
that fits in one switch interval cannot lose either.

| method | increments per thread | runs short | runs whose threads met | worst loss (%) |
|---|---:|---:|---:|---:|
$(sweep_rows)
EOT

if [ -s "$RUN/54_python.csv" ]; then
    cat <<EOT

![Item 54, CPython](54_python.svg)

**CPython (\`54.python\`: $(verdict 54.python)).** The book's own program, judged
on CPython $py_judged$( [ "$py_judged" = 3.8 ] && echo ', the version of the book' || true). Since 3.10 the eval loop checks
for a thread switch only after calls and on backward jumps (CPython PR
18334), 3.11 also at a function's start: no such point falls inside
\`self.count += offset\`, so the book's \`Counter\` comes out exact on
3.10-3.13 (the default, $py_default, here). The code is as wrong as before:
with a Python call between the read and the write the default interpreter
loses updates again (\`54.python-call\`: $(verdict 54.python-call)), and a \`Lock\`
makes both exact (\`54.python.neg\`: $(verdict 54.python.neg);
\`54.python-call.neg\`: $(verdict 54.python-call.neg)). Free-threaded CPython
(3.13t, no GIL) would behave like racy.

| CPython | shape | switches | runs short | worst loss (%) |
|---|---|---|---:|---:|
$(python_rows)
EOT
else
    printf '\nNo CPython was found on this machine: only the C model ran.\n'
fi

cat <<EOT

Raw runs: [54_methods.csv](54_methods.csv), [54_lock.csv](54_lock.csv),
[54_gil_old.csv](54_gil_old.csv), [54_sweep.csv](54_sweep.csv)$( [ -s "$RUN/54_python.csv" ] && echo ', [54_python.csv](54_python.csv)' || true).
EOT
