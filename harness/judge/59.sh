#!/bin/sh
# Item 59, judge: reads $RUN/59_*.csv by column name, writes 59.verdicts and
# 59.figures. Each "# rule ID" comment opens the lines that decide ID
# (harness/claims/59.md says why each rule and control).
set -eu
. "$HARNESS/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# rule 59.errors: a task's error comes back to the caller through
# future_result, naming its cell: in every round, the caller asking each
# future's result saw "Input/output error" for cell (2, 3), the one that
# failed. Nothing can spoil it but a wrong program: no control.
e=$RUN/59_errors.csv
came_back() { # came_back WAY: rounds in which the caller saw the error, of all rounds
    echo "$(count_rows "$e" way="$1" caller_saw="Input/output error" err_y=2 err_x=3) of $(count_rows "$e" way="$1")"
}
seen=$(came_back result)
book_claim 59.errors "$(decide "${seen% of *} == ${seen#* of } && ${seen#* of } > 0" 1 "")" \
    "the caller saw EIO at (2, 3) in $seen rounds, from future_result"

# rule 59.errors.neg: the same rule when the caller never asks for a
# result (every cell submitted, then shutdown: fire and forget); the failing
# task still ran (tasks_failed), but its error reached nobody.
lost=$(came_back no_result)
ran=$(median "$e" tasks_failed way=no_result)
negative_control 59.errors.neg "$(decide "${lost% of *} == ${lost#* of } && ${lost#* of } > 0" 1 "")" \
    "unasked, the caller saw the error in $lost rounds (the failing task ran: $ran)"

# rule 59.cap: with the book's max_workers = 10, a generation of 45 cells
# takes at least 0.6 x ceil(45 / 10) = 3 times as long as one of 10 cells
# (one wait per worker): the pool lets 10 cells wait at once, no more.
# Each cell waits 5 ms here. Inconclusive when a 10-cell generation (on 10
# workers, or on the 100 of the negative control) took over 1.8 waits
# (9 ms): the waiting threads were woken late, and a delay d (in waits) per
# generation makes the ratio (5 + d) / (1 + d), under 3 from d = 1 on.
c=$RUN/59_cap.csv
pool() { echo "\$variant == \"pool\" && \$workers == $1 && \$cells == $2"; }
ratio_per_round "$c" "$tmp/cap.csv" gen_s "$(pool 10 45)" "$(pool 10 10)"
growth=$(median "$tmp/cap.csv" ratio)
wait_ms=$(csv_value "$c" io_ms)
one_ms=$(calc "$(median "$c" gen_s variant=pool workers=10 cells=10) * 1000")
one100_ms=$(calc "$(median "$c" gen_s variant=pool workers=100 cells=10) * 1000")
control="$one_ms <= 1.8 * $wait_ms && $one100_ms <= 1.8 * $wait_ms"
busy="a generation of 10 cells took $one_ms ms on 10 workers, $one100_ms ms on 100, for a $wait_ms ms wait"
book_claim 59.cap "$(decide "$growth >= 0.6 * 5" "$control" "$busy")" \
    "45 cells took $(spread "$tmp/cap.csv" ratio) the time of 10 (ceil(45 / 10) = 5)"
figure growth "$(spread "$tmp/cap.csv" ratio)"
figure one_ms "$one_ms"
figure wait_ms "$wait_ms"

# rule 59.cap.neg: the same rule on a pool of 100, more workers than cells:
# every cell waits at once, so the cap is lifted.
ratio_per_round "$c" "$tmp/cap100.csv" gen_s "$(pool 100 45)" "$(pool 100 10)"
growth100=$(median "$tmp/cap100.csv" ratio)
negative_control 59.cap.neg "$(decide "$growth100 >= 0.6 * 5" "$control" "$busy")" \
    "on a pool of 100, 45 cells took $(spread "$tmp/cap100.csv" ratio) the time of 10"
figure growth100 "$(spread "$tmp/cap100.csv" ratio)"
figure threads100 "$(highest "$c" threads variant=pool workers=100 cells=45)"

# rule 59.gthreadpool: conclab's executor, blocking as CPython's pool, costs
# no more than 1.5x GLib's GThreadPool per empty task, pinned to one CPU,
# in batches and one at a time (the median over rounds of each round's
# ratio). Pinned, where each thread runs is fixed and the pools' own code
# is measured. Inconclusive when the pinned batches and round trips got
# under 0.9 of their CPU (the median CPU time over wall time; the sparse
# ones sleep between tasks): a neighbour shared CPU 0.
o=$RUN/59_overhead.csv
ratio_of() { # ratio_of MODE PINNED VARIANT: VARIANT over GThreadPool, median of the rounds
    ratio_per_round "$o" "$tmp/o.csv" per_task_us \
        "\$variant == \"$3\" && \$mode == \"$1\" && \$pinned == $2" \
        "\$variant == \"gthreadpool\" && \$mode == \"$1\" && \$pinned == $2" round
    median "$tmp/o.csv" ratio
}
batch=$(ratio_of batch 1 executor) one=$(ratio_of one 1 executor)
mlr --icsv --ocsv filter '$pinned == 1 && $mode != "sparse"' "$o" >"$tmp/pinned.csv"
cpu_wall=$(median "$tmp/pinned.csv" cpu_wall)
own_measure 59.gthreadpool \
    "$(decide "$batch <= 1.5 && $one <= 1.5" "$cpu_wall >= 0.9" "the pinned pools got $cpu_wall of their CPU")" \
    "executor / GThreadPool, pinned: $(calc "$batch")x in batches, $(calc "$one")x one at a time"
us() { median "$o" "$4" variant="$1" mode="$2" pinned="$3"; }
for v in executor executor_spinning gthreadpool; do
    for m in batch one sparse; do
        for p in 0 1; do
            figure "us_${v}_${m}_$p" "$(us $v $m $p per_task_us)"
            figure "cpu_${v}_${m}_$p" "$(us $v $m $p cpu_per_task_us)"
        done
    done
done
figure ratio_batch_1 "$(calc "$batch")"
figure ratio_one_1 "$(calc "$one")"
figure ratio_batch_0 "$(calc "$(ratio_of batch 0 executor)")"
figure ratio_one_0 "$(calc "$(ratio_of one 0 executor)")"
figure cpu_wall "$cpu_wall"
