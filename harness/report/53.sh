#!/bin/sh
# report/53.sh - Item 53's section of the report (on stdout), from
# 53.figures, 53.verdicts and the CSVs of this run.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/53.figures"
cores=$(getconf _NPROCESSORS_ONLN)
verdict() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/53.verdicts"; }
root=../../..
lock_name() { case $1 in none) echo "no GIL" ;; *) echo "$1 GIL" ;; esac; }

# A table row per policy and thread count: medians and the speedup's spread.
cpu_rows() {
    for p in new old none; do
        for t in $(mlr --icsv --onidx cut -f threads then uniq -a "$RUN/53_cpu.csv"); do
            printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$p" "$t" \
                "$(calc "1000 * $(median "$RUN/53_cpu.csv" serial_s policy="$p" threads="$t")")" \
                "$(calc "1000 * $(median "$RUN/53_cpu.csv" threads_s policy="$p" threads="$t")")" \
                "$(spread "$RUN/53_cpu.csv" speedup policy="$p" threads="$t")" \
                "$(calc "$(median "$RUN/53_cpu.csv" cpu_per_wall policy="$p" threads="$t")")" \
                "$(median "$RUN/53_cpu.csv" switches policy="$p" threads="$t")"
        done
    done
}
convoy_rows() {
    for pin in 0 1; do
        [ "$(count_rows "$RUN/53_convoy.csv" pinned=$pin)" -gt 0 ] || continue
        for p in new old none; do
            for e in 100 0; do
                f=$RUN/53_convoy.csv
                printf '| model, %s%s | %s | %s | %s | %s | %s |\n' "$(lock_name "$p")" \
                    "$([ $pin = 1 ] && echo ', pinned' || true)" "$e" \
                    "$(calc "$(median "$f" alone_p50_us policy="$p" pinned=$pin echo_us="$e") / 1000")" \
                    "$(calc "$(median "$f" busy_p50_us policy="$p" pinned=$pin echo_us="$e") / 1000")" \
                    "$(spread "$f" slowdown policy="$p" pinned=$pin echo_us="$e")" \
                    "$(lowest "$f" busy_trips policy="$p" pinned=$pin echo_us="$e")"
            done
        done
    done
    [ -s "$RUN/53_python_convoy.csv" ] || return 0
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$RUN/53_python_convoy.csv" | sort -t. -k1,1n -k2,2n); do
        for e in 100 0; do
            f=$RUN/53_python_convoy.csv
            printf '| CPython %s | %s | %s | %s | %s | %s |\n' "$v" "$e" \
                "$(calc "$(median "$f" alone_p50_us python="$v" echo_us="$e") / 1000")" \
                "$(calc "$(median "$f" busy_p50_us python="$v" echo_us="$e") / 1000")" \
                "$(spread "$f" slowdown python="$v" echo_us="$e")" \
                "$(lowest "$f" busy_trips python="$v" echo_us="$e")"
        done
    done
}
python_rows() { # per interpreter: switching, CPU-bound speedup, turns, convoy
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$RUN/53_python_cpu.csv" | sort -t. -k1,1n -k2,2n); do
        printf '| %s | %s | %s | %s | %s | %s |\n' "$v" \
            "$(csv_value "$RUN/53_python_cpu.csv" switching python="$v")" \
            "$(spread "$RUN/53_python_cpu.csv" speedup python="$v")" \
            "$(spread_in ' ms' "$RUN/53_python_switching.csv" median_stretch_ms python="$v")" \
            "$(median "$RUN/53_python_switching.csv" switches python="$v" | awk '{ printf "%.0f", $1 }')" \
            "$(spread "$RUN/53_python_convoy.csv" slowdown python="$v" echo_us=100)"
    done
}
# From the timeline: the median running stretch of a scene (ms), and the
# share of one thread's time in a state (%).
tl_run() {
    mlr --icsv --onidx filter '$scene == "'"$1"'" && $policy == "'"$2"'" && $state == "running"' \
        then put '$d = $end_ms - $start_ms' then stats1 -a p50 -f d "$RUN/53_timeline.csv" |
        awk '{ printf "%.2g", $1 }'
}
tl_count() { count_rows "$RUN/53_timeline.csv" scene="$1" policy="$2" state=running; }
tl_share() {
    mlr --icsv --onidx filter '$scene == "'"$1"'" && $policy == "'"$2"'" && $label == "'"$3"'"' \
        then put '$d = $end_ms - $start_ms; $in = $state == "'"$4"'" ? $d : 0' \
        then stats1 -a sum -f d,in "$RUN/53_timeline.csv" | awk '{ printf "%.0f", ($1 > 0 ? 100 * $2 / $1 : 0) }'
}
wait_ms=$io_wait_ms
py_note="No CPython was found on this machine: only the C model ran."
default_py=""
if [ -s "$RUN/53_python_cpu.csv" ]; then
    default_py=$(csv_value "$RUN/53_python_cpu.csv" python)
    py_note="CPython ran beside it: the default interpreter ($default_py) for every part, and every other one found for what changed across versions, one round each (the table below)."
fi

cat <<EOT
## Item 53: threads for blocking I/O, not for parallelism ([items/53_threads_gil]($root/items/53_threads_gil/README.md))

A lock modelled on CPython's GIL ([gil.c]($root/items/53_threads_gil/gil.c)) under
three policies: **new** (CPython 3.2 and later: a waiter asks for the lock
after a 5 ms switch interval and the holder hands it over), **old** (Python
2: a forced drop every 100 ticks, no hand-off) and **none** (free-threaded).
The book's setting: its four numbers factorized on four threads; five
threads each making one blocking call of 0.1 s (this run: $wait_ms ms$([ "$wait_ms" != 100 ] && echo ", a QUICK run" || true)). Every
comparison ran in interleaved rounds: a figure is the median, with the
smallest and largest round. $py_note

![Item 53, CPU-bound](53_cpu.svg)

**CPU-bound threads (\`53.cpu\`: $(verdict 53.cpu)).** With four threads the new
GIL ran at **$cpu_new** the serial speed, the old GIL at $cpu_old (its
threads fight for the lock at every check: (user+sys)/wall $cpu_old_cpu), and
the same threads without a GIL at $cpu_none, using $cpu_reach cores (CPU time
over wall time). The verdict needs the no-GIL threads to have sped up (the
control: cores that are busy but slow, on a shared host, do not count) and
gives the GIL at most a quarter of their gain; the negative control applies the same
rule to the no-GIL threads (\`53.cpu.neg\`: $(verdict 53.cpu.neg)). The
book's numbers take 2-4 ms each here (the book's Python took about 0.1 s):
a busy neighbour moves single rounds, so the median of many decides.

| policy | threads | serial (ms) | threaded (ms) | speedup, median (range) | cores used (CPU / wall) | lock changed hands |
|---|---:|---:|---:|---|---:|---:|
$(cpu_rows)

![Item 53, blocking calls](53_io.svg)

**Blocking calls (\`53.io\`: $(verdict 53.io)).** Five threads each blocking
$wait_ms ms were **$io_new** faster than the calls one after another under the
new GIL, $io_none without a GIL: a thread puts the lock down around its
system call, as CPython does around \`select\`. The negative control turns
the calls into computing for as long: the same five threads then ran
$io_computing (\`53.io.neg\`: $(verdict 53.io.neg)). The rule compares the GIL
with what the no-GIL threads reached in the same rounds, so a machine too
busy to wake threads on time lowers both and the verdict only becomes
inconclusive.$( [ -s "$RUN/53_python_io.csv" ] && printf ' CPython %s, `select([], [], [], 0.1)` on five threads: %s.' "$default_py" "$(spread "$RUN/53_python_io.csv" speedup)")
(The book's own call, \`select([socket.socket()], [], [], 0.1)\`, returns at
once on Linux: an unconnected socket reads as ready.)

![Item 53, computing beside the calls](53_overlap.svg)

**Computing beside the calls (\`53.overlap\`: $(verdict 53.overlap)).** This
thread factorized a number sized to take one call's length while the five
threads blocked. The share of the shorter part hidden (1: the wall time is
the longer part; 0: the sum) was **$ov_new** under the new GIL, $ov_none
without one. It falls short of 1 under the new GIL because every thread must
take the lock to start and again after its call, and the computing thread
hands it over only when asked (a switch interval). With the threads
computing instead: $ov_computing (\`53.overlap.neg\`: $(verdict 53.overlap.neg)).

![Item 53, the convoy](53_convoy.svg)

**The price: the convoy (\`53.convoy\`, conclab's own measure: $(verdict 53.convoy)).**
A thread doing I/O must take the lock back after every blocking call.
Beside one CPU-bound thread, a socket round trip to an echo server that
replies after 100 us took **$cv_busy_ms ms** (median) under the new GIL,
**$cv_new** its time alone: about one switch interval, the convoy of CPython
issue 7946. Under the old GIL, which drops every 100 ticks, $cv_old; without
a GIL, $cv_none (\`53.convoy.neg\`: $(verdict 53.convoy.neg)). The control:
the CPU-bound thread without a GIL got $cv_share of a core (the convoy needs it
to run while the client waits).$( [ -n "${cv_pinned:-}" ] && printf ' Pinned to one CPU: %s.' "$cv_pinned")

With an instant echo (0 us) the convoy is a race between the reply (a few
microseconds) and the CPU-bound thread's wake-up on the other core: if the
I/O thread keeps winning, the lock changes hands so often that nobody asks
for a drop, no convoy; if the CPU-bound thread wins once, it is the convoy
from then on. Both sustain themselves, so it flips between runs and rounds
(here $cv_instant): one figure means little, the range is the result.

| lock | echo delay (us) | alone, median (ms) | beside a CPU-bound thread, median (ms) | slowdown (beside / alone), median (range) | fewest trips in a round |
|---|---:|---:|---:|---|---:|
$(convoy_rows)

A round with 0 trips means the I/O thread never got the lock back (starved);
its figure is then the time it waited, a lower bound.
EOT

if [ -s "$RUN/53_python_cpu.csv" ]; then
    cat <<EOT

![Item 53, switching in CPython](53_switching.svg)

**CPython, version by version.** Python 2.7's GIL checks every 100 ticks
(bytecodes, \`sys.setcheckinterval\`) and lets the holder take the lock
straight back, so on two cores a CPU-bound thread may keep it for a long
stretch or trade it thousands of times; 3.2 and later switch on time
(\`sys.setswitchinterval\`, 5 ms), with a hand-off. Two CPU-bound threads,
the median time one ran before the other got in, and the book's CPU-bound
experiment and the convoy in each interpreter (the default one: 3 rounds;
the others: one):

| CPython | switches | CPU-bound, 4 threads: speedup | a turn with the lock (median) | lock changes in 0.2 s | convoy, 100 us echo: slowdown |
|---|---|---|---|---:|---|
$(python_rows)
EOT
fi

cat <<EOT

[![Item 53, who holds the lock](53_timeline.png)](53_timeline.svg)

**Who holds the lock.** Every move of the lock, 30 ms under the new GIL and
10 ms under the old (its stripes are microseconds wide). Two CPU-bound
threads under the new GIL took turns of $(tl_run cpu new) ms (median; the switch
interval is 5 ms). Under the old GIL the lock was taken $(tl_count cpu old) times in
those 10 ms. Beside a CPU-bound thread, the new GIL's I/O thread spent
$(tl_share convoy new "I/O thread" waiting)% of its time waiting for the lock and $(tl_share convoy new "I/O thread" syscall)% in its system calls;
under the old GIL $(tl_share convoy old "I/O thread" waiting)% and $(tl_share convoy old "I/O thread" syscall)%. The same as Chrome trace-event JSON,
for https://ui.perfetto.dev: [new](53_timeline_new.json), [old](53_timeline_old.json).

Raw data: [53_cpu.csv](53_cpu.csv), [53_io.csv](53_io.csv), [53_convoy.csv](53_convoy.csv),
[53_timeline.csv](53_timeline.csv)$(for f in "$RUN"/53_python_*.csv; do [ -e "$f" ] && printf ', [%s](%s)' "${f##*/}" "${f##*/}"; done).
EOT
