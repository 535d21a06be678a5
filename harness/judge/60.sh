#!/bin/sh
# judge/60.sh - Item 60's verdicts, from the CSVs measure/60.sh wrote, read
# by column name. Claims: harness/claims/60.md.
set -eu
. "$HARNESS/lib.sh"
grid=$RUN/60_grid.csv costs=$RUN/60_costs.csv errors=$RUN/60_error.csv
limits=$RUN/60_limits.csv py=$RUN/60_python_costs.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# CPython's figures, on the default interpreter (the first row's), if any ran.
pyv=""
[ -s "$py" ] && [ "$(count_rows "$py")" -gt 0 ] && pyv=$(csv_value "$py" python)
py_of() { median "$py" "$1" python="$pyv" design="$2"; } # py_of COLUMN DESIGN
whole() { awk -v x="$1" 'BEGIN { printf "%.0f", x }'; } # bytes and counts, no exponent

# rule 60.start: a coroutine's start (CPU time to its first await, memory
# already held) within 10x a call whose frame is on the heap (malloc, zero,
# call: what every Python call makes), median of the per-round ratios.
# Control: the call's own rounds agree within 3x, else the CPU was too
# disturbed to time a call at all (inconclusive).
start_of() { # start_of DESIGN: its ratio to the call, median over rounds
    ratio_per_round "$costs" "$tmp/start_$1.csv" start_ns "\$design == \"$1\"" '$design == "call"'
    median "$tmp/start_$1.csv" ratio
}
call_ns=$(median "$costs" start_ns design=call)
call_agree=$(holds "$(lowest "$costs" start_ns design=call) * 3 >= $(highest "$costs" start_ns design=call)" && echo 1 || echo 0)
judge_start() { # judge_start DESIGN
    decide "$(start_of "$1") <= 10" "$call_agree == 1" \
        "the call control ranged $(lowest "$costs" start_ns design=call)-$(highest "$costs" start_ns design=call) ns over the rounds"
}
co_ns=$(median "$costs" start_ns design=coroutine)
figure start_ratio "$(start_of coroutine)"
figure start_spread "$(spread "$tmp/start_coroutine.csv" ratio)"
py_start=""
[ -n "$pyv" ] && py_start="; CPython $pyv: a coroutine object $(calc "$(py_of start_ns coroutine) / $(py_of start_ns call)")x a call, a Task $(calc "$(py_of start_ns task) / $(py_of start_ns call)")x"
book_claim 60.start "$(judge_start coroutine)" \
    "$(calc "$co_ns") ns, $(spread "$tmp/start_coroutine.csv" ratio) a ${call_ns} ns call with a heap frame$py_start"
# rule 60.start.neg-thread: the rule of 60.start on a thread per task, started to its first wait.
negative_control 60.start.neg-thread "$(judge_start thread)" \
    "a thread per task: $(calc "$(median "$costs" start_ns design=thread) / 1000") us, $(median "$tmp/start_thread.csv" ratio | awk '{ printf "%.0f", $1 }')x the call (median of the rounds)"

# rule 60.bytes: resident memory per waiting coroutine (the RSS grown while
# --tasks of them wait at once, on fresh memory, over their number), under
# 1024 bytes (median over rounds).
# Control: at least the task's own struct (else pages went uncounted).
judge_bytes() { # judge_bytes DESIGN
    b=$(median "$costs" bytes_rss design="$1") f=$(median "$costs" bytes_frame design="$1")
    decide "$b < 1024" "$b >= 0.9 * $f" "$b bytes resident per task, less than its own $f-byte struct"
}
co_bytes=$(median "$costs" bytes_rss design=coroutine)
py_bytes=""
[ -n "$pyv" ] && py_bytes="; CPython $pyv (tracemalloc): $(whole "$(py_of bytes suspended)") B suspended, $(whole "$(py_of bytes task)") B as a Task"
book_claim 60.bytes "$(judge_bytes coroutine)" \
    "$(whole "$co_bytes") B per waiting coroutine ($(csv_value "$costs" tasks design=coroutine) at once; frame $(whole "$(median "$costs" bytes_frame design=coroutine)") B)$py_bytes"
# rule 60.bytes.neg-stackful: the rule of 60.bytes on a stackful coroutine (64 KiB stack).
negative_control 60.bytes.neg-stackful "$(judge_bytes stackful)" \
    "a stackful coroutine (ucontext, 64 KiB stack): $(whole "$(median "$costs" bytes_rss design=stackful)") B each"

# rule 60.one-latency: a generation of 10,000 awaiting cells takes at most
# 1.5x the 45-cell one at the book's 100 ms (median of per-round ratios).
# Control: the 45-cell generation itself within 1.5x the latency (the loop
# woke its timers on time). The negative control applies the same ratio to
# cells that block instead of awaiting, 400 against 45, at 1 ms.
ratio_per_round "$grid" "$tmp/awaiting.csv" gen_s \
    '$design == "awaiting" && $cells == 10000' '$design == "awaiting" && $cells == 45'
ratio_per_round "$grid" "$tmp/blocking.csv" gen_s \
    '$design == "blocking" && $cells == 400' '$design == "blocking" && $cells == 45'
small=$(median "$grid" gen_s design=awaiting cells=45)
book_claim 60.one-latency "$(decide "$(median "$tmp/awaiting.csv" ratio) <= 1.5" "$small <= 0.15" \
    "the 45-cell generation took $small s against 0.1 s")" \
    "10,000 cells took $(spread "$tmp/awaiting.csv" ratio) the 45-cell generation ($small s) at 100 ms"
# rule 60.one-latency.neg-blocking: the ratio of 60.one-latency on cells that block, 400 to 45.
negative_control 60.one-latency.neg-blocking "$(decide "$(median "$tmp/blocking.csv" ratio) <= 1.5" 1 "")" \
    "blocking, 400 cells took $(spread "$tmp/blocking.csv" ratio) the 45-cell generation at 1 ms"
largest=$(mlr --icsv --onidx filter '$design == "awaiting"' then stats1 -a max -f cells "$grid")
figure largest_cells "$largest"
figure largest_x "$(calc "$(median "$grid" gen_s design=awaiting cells="$largest") / 0.1")"

# rule 60.many: at 100,000 tasks, coroutines ran every one at once (a
# checked generation of 100,000 awaiting cells) and a thread per task
# cannot: more threads than this machine's limits allow (kernel.pid_max and
# threads-max less the threads in use, vm.max_map_count / 2, RLIMIT_NPROC),
# or more memory than is available at the measured cost of a live thread
# (its resident memory plus its kernel stack). The negative control applies
# it at the number of threads the bench really started (--stacks, 10,000).
# Control: both sides measured in this run.
limit() { csv_value "$limits" value limit="$1"; }
in_use=$(limit threads_in_use) nproc=$(limit nproc)
cap=$(awk -v p="$(limit pid_max)" -v t="$(limit threads_max)" -v m="$(limit max_map_count)" \
    -v n="$nproc" -v u="$in_use" 'BEGIN { c = p - u; if (t - u < c) c = t - u;
        if (int(m / 2) < c) c = int(m / 2); if (n >= 0 && n < c) c = n; print c }')
thread_b=$(calc "$(median "$costs" bytes_rss design=thread) + $(median "$costs" bytes_kernel design=thread)")
avail_kib=$(limit mem_available_kib)
started=$(mlr --icsv --onidx filter '$design == "thread"' then stats1 -a min -f tasks "$costs")
threads_fit() { # threads_fit N: 1 if N threads fit this machine (measured where the bench ran them)
    if [ "$1" -le "$started" ]; then echo 1; return; fi
    holds "$1 <= $cap && $1 * $thread_b <= $avail_kib * 1024" && echo 1 || echo 0
}
ran() { # ran N: 1 if a checked generation of N or more awaiting cells ran
    n=$(mlr --icsv --ocsv --headerless-csv-output filter "\$design == \"awaiting\" && \$cells >= $1" then count "$grid")
    [ "${n:-0}" -gt 0 ] && echo 1 || echo 0
}
judge_many() { # judge_many N
    decide "$(ran "$1") == 1 && $(threads_fit "$1") == 0" "$(ran "$1") == 1 && $started > 0" \
        "no generation of $1 coroutines or no thread measured in this run"
}
why_not() { # why_not N: what stops N threads here
    w=""
    holds "$1 > $cap" && w="over the $cap threads this machine's limits leave"
    holds "$1 * $thread_b > $avail_kib * 1024" && w="${w:+$w; }$(calc "$1 * $thread_b / 1073741824") GiB against $(calc "$avail_kib / 1048576") GiB available"
    echo "${w:-they would fit: $(calc "$1 * $thread_b / 1073741824") GiB, under the $cap-thread cap}"
}
figure thread_cap "$cap"
figure thread_bytes "$thread_b"
figure threads_started "$started"
figure why_100k "$(why_not 100000)"
figure why_1m "$(why_not 1000000)"
book_claim 60.many "$(judge_many 100000)" \
    "100,000 coroutines ran at once; 100,000 threads: $(why_not 100000) ($(calc "$thread_b / 1024") KiB each)"
# rule 60.many.neg-fewer: the rule of 60.many at the number of threads the bench started.
negative_control 60.many.neg-fewer "$(judge_many "$started")" \
    "$started threads ran at once here ($(calc "$thread_b / 1024") KiB each, resident and kernel stack)"

# rule 60.error: the awaiter of the gather gets the failing cell's error
# (EIO from cell (2, 3)). Nothing a neighbour does can change it: no control.
# The negative control starts that cell's coroutine detached, outside the
# gather (a create_task nobody awaits).
judge_error() { # judge_error DESIGN
    decide "$(csv_value "$errors" awaiter_error design="$1") == 5 && $(csv_value "$errors" err_y design="$1") == 2 && $(csv_value "$errors" err_x design="$1") == 3" 1 ""
}
book_claim 60.error "$(judge_error gathered)" \
    "the awaiter got error $(csv_value "$errors" awaiter_error design=gathered) (EIO) from cell ($(csv_value "$errors" err_y design=gathered), $(csv_value "$errors" err_x design=gathered))"
# rule 60.error.neg-detached: the rule of 60.error with the failing cell started detached.
negative_control 60.error.neg-detached "$(judge_error detached)" \
    "detached: the awaiter got $(csv_value "$errors" awaiter_error design=detached); the cell's frame holds $(csv_value "$errors" cell_error design=detached), read by nobody"

# rule 60.bytes-goal: conclab's goal, at most 256 bytes per waiting coroutine.
own_measure 60.bytes-goal "$(decide "$co_bytes <= 256" 1 "")" "$(whole "$co_bytes") B per waiting coroutine"
# rule 60.start-goal: conclab's goal, a start within 200 ns of CPU time.
own_measure 60.start-goal "$(decide "$co_ns <= 200" 1 "")" \
    "$(spread_in " ns" "$costs" start_ns design=coroutine), $(calc "$(median "$costs" start_cold_ns design=coroutine)") ns on fresh memory"
