#!/bin/sh
# judge/54.sh - Item 54's verdicts, from the CSVs of measure/54.sh, read by
# column name. The register, harness/claims/54.md, says what each rule is
# for. A lost update is proof enough that a total can be wrong: the rules
# ask for one short total, among runs in which the race had its chance.
set -eu
. "$HARNESS/lib.sh"
methods=$RUN/54_methods.csv lock=$RUN/54_lock.csv sweep=$RUN/54_sweep.csv py=$RUN/54_python.csv
# where FILE FILTER: the rows a Miller filter picks, as CSV.
where() { mlr --icsv --ocsv filter "$2" "$1"; }
# runs FILE FILTER: how many rows it picks; sum FILE COLUMN FILTER: their total.
runs() { mlr --icsv --ojson filter "$2" then count "$1" | sed -n 's/.*"count": \([0-9]*\).*/\1/p' | grep . || echo 0; }
sum() { mlr --icsv --ojson filter "$3" then stats1 -a sum -f "$2" "$1" | sed -n 's/.*_sum": \([0-9.e+-]*\).*/\1/p' | grep . || echo 0; }
pct() { calc "100 * $1"; } # a share as a percentage, three significant digits

# rule 54.gil: the book's Counter under the model's GIL (gil_racy, new
# policy, 0.1 ms), 5 threads x 100000: the total comes out short in at least
# one run. Control: the GIL took the lock from a counting thread at least 5
# times over the runs (forced drops), else inconclusive: each drop falls
# between the read and the write with chance 2/3, so 5 leave a correct GIL
# model less than 1 in 200 of coming out exact by luck.
book='$threads == 5 && $iterations == 100000'
gil_runs=$(runs "$methods" "$book && \$method == \"gil_racy\"")
gil_short=$(runs "$methods" "$book && \$method == \"gil_racy\" && \$lost > 0")
gil_drops=$(sum "$methods" gil_forced_drops "$book && \$method == \"gil_racy\"")
gil_worst=$(highest "$methods" lost method=gil_racy threads=5 iterations=100000)
v=$(decide "$gil_short >= 1" "$gil_drops >= 5" "the GIL took the lock from a counting thread only $gil_drops times in $gil_runs runs")
book_claim 54.gil "$v" "short in $gil_short of $gil_runs runs under the GIL, up to $(pct "$gil_worst / 500000")% lost ($gil_drops forced switches)"
# rule 54.gil.neg: the same rule, the book's LockingCounter (gil_mutex).
mx_runs=$(runs "$methods" "$book && \$method == \"gil_mutex\"")
mx_short=$(runs "$methods" "$book && \$method == \"gil_mutex\" && \$lost > 0")
mx_drops=$(sum "$methods" gil_forced_drops "$book && \$method == \"gil_mutex\"")
v=$(decide "$mx_short >= 1" "$mx_drops >= 5" "the GIL took the lock from a counting thread only $mx_drops times in $mx_runs runs")
negative_control 54.gil.neg "$v" "with a Lock: short in $mx_short of $mx_runs runs ($mx_drops forced switches)"
figure gil_runs "$gil_runs"
figure gil_short "$gil_short"
figure gil_median "$(pct "$(median "$methods" lost method=gil_racy threads=5 iterations=100000) / 500000")"
figure gil_old "$(runs "$RUN/54_gil_old.csv" '$method == "gil_racy" && $lost > 0') of $(runs "$RUN/54_gil_old.csv" '$method == "gil_racy"')"
figure gil_old_median "$(pct "$(median "$RUN/54_gil_old.csv" lost method=gil_racy) / 500000")"

# rule 54.lock: without a lock or a GIL (racy), 5 threads x 5000000: the
# total comes out short in at least one run. Control: in at least one run the
# threads ran on two cores at once (their CPU time over the wall time, at
# least 1.5), else inconclusive: threads that only took turns on one core
# need a switch to land between a read and its write.
par='$cores_busy >= 1.5'
lk_runs=$(runs "$lock" '$method == "racy"')
lk_par=$(runs "$lock" "\$method == \"racy\" && $par")
lk_short=$(runs "$lock" '$method == "racy" && $lost > 0')
lk_worst=$(highest "$lock" lost method=racy)
v=$(decide "$lk_short >= 1" "$lk_par >= 1" "in none of $lk_runs runs did the threads run on two cores at once")
book_claim 54.lock "$v" "short in $lk_short of $lk_runs runs without a lock, up to $(pct "$lk_worst / 25000000")% lost ($lk_par ran on two cores at once)"
# rule 54.lock.neg: the same rule, the same threads with a mutex.
mu_runs=$(runs "$lock" '$method == "mutex"')
mu_par=$(runs "$lock" "\$method == \"mutex\" && $par")
mu_short=$(runs "$lock" '$method == "mutex" && $lost > 0')
v=$(decide "$mu_short >= 1" "$mu_par >= 1" "in none of $mu_runs runs did the threads run on two cores at once")
negative_control 54.lock.neg "$v" "with a mutex: short in $mu_short of $mu_runs runs ($mu_par on two cores at once)"
figure lock_median "$(pct "$(median "$lock" lost method=racy) / 25000000")"
figure book_racy_short "$(runs "$methods" "$book && \$method == \"racy\" && \$lost > 0")"
figure book_racy_met "$(runs "$methods" "$book && \$method == \"racy\" && \$overlap_s > 0")"
figure book_racy_runs "$(runs "$methods" "$book && \$method == \"racy\"")"

# rule 54.small: racy at 2 threads: at a count N, the total comes out short
# in fewer than half of the runs (the race hides). Claimed at N = 100.
# Control: at the largest count the race had its chance in at least half of
# the runs: the two threads ran on two cores at once (CPU time over wall at
# least 1.5), or took turns on one for at least 20 ms (several preemptions,
# each of which lands between a read and its write about half the time).
# Else the machine kept them apart, and no count could show the race.
small=$(mlr --icsv --onidx filter '$method == "racy"' then stats1 -a min -f iterations "$sweep")
big=$(mlr --icsv --onidx filter '$method == "racy"' then stats1 -a max -f iterations "$sweep")
sm_runs=$(runs "$sweep" "\$method == \"racy\" && \$iterations == $small")
sm_short=$(runs "$sweep" "\$method == \"racy\" && \$iterations == $small && \$lost > 0")
bg_runs=$(runs "$sweep" "\$method == \"racy\" && \$iterations == $big")
bg_short=$(runs "$sweep" "\$method == \"racy\" && \$iterations == $big && \$lost > 0")
bg_met=$(runs "$sweep" "\$method == \"racy\" && \$iterations == $big && (\$cores_busy >= 1.5 || \$overlap_s >= 0.02)")
sm_control="$bg_met * 2 >= $bg_runs"
sm_why="at $big increments the race had its chance (two cores at once, or 20 ms of taking turns) in only $bg_met of $bg_runs runs"
v=$(decide "$sm_short * 2 < $sm_runs" "$sm_control" "$sm_why")
own_measure 54.small "$v" "2 threads x $small: short in $sm_short of $sm_runs runs (x $big: $bg_short of $bg_runs)"
# rule 54.small.neg: the same rule at the largest count.
v=$(decide "$bg_short * 2 < $bg_runs" "$sm_control" "$sm_why")
negative_control 54.small.neg "$v" "2 threads x $big: short in $bg_short of $bg_runs runs"
figure small "$small"
figure big "$big"

# CPython.
# rule 54.python: the book's program (Counter, 5 threads x 100000)
# on an interpreter of the book's era (3.8, else 3.7, 3.6 or 3.9; else the
# default one): the total comes out short in at least one run. Control: in
# at least one run the GIL changed hands while a thread was counting
# (overlap_s > 0), else inconclusive.
if [ -s "$py" ]; then
    default=$(csv_value "$py" python)
    era=$(for v in 3.8 3.7 3.6 3.9; do [ "$(count_rows "$py" python="$v")" -gt 0 ] && { echo "$v"; break; }; done; true)
    judged=${era:-$default}
    pyrule() { # pyrule ID TABLE VERSION SHAPE WHAT: one CPython verdict line
        n=$(count_rows "$py" python="$3" shape="$4")
        short=$(runs "$py" "\$python == \"$3\" && \$shape == \"$4\" && \$lost > 0")
        met=$(runs "$py" "\$python == \"$3\" && \$shape == \"$4\" && \$overlap_s > 0")
        worst=$(highest "$py" lost python="$3" shape="$4")
        expected=$(csv_value "$py" expected python="$3" shape="$4")
        v=$(decide "$short >= 1" "$met >= 1" "on CPython $3 the threads never took turns mid-count in $n runs")
        printf '%s\t%s\t%s' "$v" "$short of $n" "$(pct "$worst / $expected")"
    }
    out=$(pyrule 54.python book "$judged" book)
    v=$(echo "$out" | cut -f1) short=$(echo "$out" | cut -f2) worst=$(echo "$out" | cut -f3)
    beside=""
    if [ "$judged" != "$default" ]; then
        d=$(pyrule x x "$default" book)
        beside="; CPython $default (the default): short in $(echo "$d" | cut -f2) runs, as 3.10+ switches only at calls and backward jumps"
    fi
    book_claim 54.python "$v" "CPython $judged: short in $short runs, up to $worst% lost$beside"
# rule 54.python.neg: the same rule, the book's LockingCounter.
    out=$(pyrule 54.python.neg negative "$judged" book_locked)
    negative_control 54.python.neg "$(echo "$out" | cut -f1)" "CPython $judged, LockingCounter: short in $(echo "$out" | cut -f2) runs"
# rule 54.python-call: the default interpreter, a Python call between
# the read and the write (0.5 ms switch interval): short in at least one
# run; the same control.
    out=$(pyrule x x "$default" call)
    own_measure 54.python-call "$(echo "$out" | cut -f1)" "CPython $default, read, call, write: short in $(echo "$out" | cut -f2) runs, up to $(echo "$out" | cut -f3)% lost"
# rule 54.python-call.neg: the same rule, under a Lock.
    out=$(pyrule x x "$default" call_locked)
    negative_control 54.python-call.neg "$(echo "$out" | cut -f1)" "CPython $default, the same under a Lock: short in $(echo "$out" | cut -f2) runs"
    figure py_judged "$judged"
    figure py_default "$default"
fi
exit 0
