#!/bin/sh
# judge/62.sh - Item 62's verdicts, from 62_steps.csv and 62_errors.csv
# (harness/claims/62.md says what each claim is). Whether every line came
# through once and in order is the programs' own check ("!!!"), not a verdict.
set -eu
. "$HARNESS/lib.sh"

steps=$RUN/62_steps.csv errors=$RUN/62_errors.csv
poll=$(csv_value "$steps" poll_ms)
rounds=$(rounds_of "$steps" age_p99_ms step=threads)
migrated="tail_in_executor readline_in_executor native bottomup"

# Each run's slowest line, less what a sleeping canary thread in the same
# process was delayed meanwhile (stall_ms): the machine's share of the age.
ages=$(mktemp)
trap 'rm -f "$ages"' EXIT
mlr --icsv --ocsv put '$excess_ms = $age_p99_ms - $stall_ms' "$steps" >"$ages"
# The old threaded program's slowest line, in the same rounds, as it came:
# what a line takes here. Each step may add one poll interval to it.
ref=$(median "$steps" age_p99_ms step=threads)
bound=$(calc "$ref + $poll")
# The control: in every step, the canary held up a poll interval or less
# (median over rounds), and the threaded program kept within three polls.
stall=0
for step in threads $migrated inline; do
    st=$(median "$steps" stall_ms step="$step")
    if holds "$st > $stall"; then stall=$st; fi
done
control="$stall <= $poll && $ref <= 3 * $poll"
busy_why="a canary thread was held up to $stall ms (median of a step) and the threaded program's slowest line took $ref ms, against a $poll ms poll"

# rule 62.steps: every migrated step, top down and bottom up, gets its slowest
# line (age p99: from the write to the merged output, less the canary's delay
# in the same run; median over rounds) to the output within one poll interval
# of the threaded program's slowest.
worst=0 worst_step=threads
for step in $migrated; do
    age=$(median "$ages" excess_ms step="$step")
    figure "age_$step" "$age"
    if holds "$age > $worst"; then worst=$age worst_step=$step; fi
done
v=$(decide "$worst <= $bound" "$control" "$busy_why")
book_claim 62.steps "$v" "slowest step $worst_step: ${worst} ms to the output, bound ${bound} ms (threads ${ref} ms + a ${poll} ms poll; canary ${stall} ms; median of $rounds)"

# rule 62.steps.neg-inline: the same rule, the old tail called on the loop
# without run_in_executor.
inline=$(median "$ages" excess_ms step=inline)
v=$(decide "$inline <= $bound" "$control" "$busy_why")
negative_control 62.steps.neg-inline "$v" "without run_in_executor: ${inline} ms to the output, bound ${bound} ms"

# rule 62.threadsafe: in every round the thread that handed the failing write
# to the loop got the loop's error back, and the gather got it from the thread.
back_in() { # back_in BRIDGE: rounds where the error came back to the thread and the gather
    mlr --icsv --onidx filter '$bridge == "'"$1"'" && $errors_on_loop >= 1 && $errors_in_thread == $errors_on_loop && $errors_at_gather >= 1' then count "$errors"
}
total=$(count_rows "$errors" bridge=run_coroutine_threadsafe)
back=$(back_in run_coroutine_threadsafe)
v=$(decide "$total > 0 && ${back:-0} == $total" 1 "")
book_claim 62.threadsafe "$v" "the failing write's error came back to the thread and the gather in ${back:-0} of $total rounds"

# rule 62.threadsafe.neg-call-soon: the same rule, the write handed over with
# call_soon_threadsafe.
total_soon=$(count_rows "$errors" bridge=call_soon_threadsafe)
back_soon=$(back_in call_soon_threadsafe)
v=$(decide "$total_soon > 0 && ${back_soon:-0} == $total_soon" 1 "")
negative_control 62.threadsafe.neg-call-soon "$v" "with call_soon_threadsafe: in ${back_soon:-0} of $total_soon rounds"

figure poll "$poll"
figure bound "$bound"
figure ref "$ref"
figure inline "$inline"
figure stall "$stall"
figure rounds "$rounds"
figure lost_future "$(median "$errors" lost bridge=run_coroutine_threadsafe)"
figure lost_soon "$(median "$errors" lost bridge=call_soon_threadsafe)"
