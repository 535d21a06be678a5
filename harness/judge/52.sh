#!/bin/sh
# judge/52.sh - item 52's verdicts, from the CSVs measure/52.sh wrote, read by
# column name. The register, harness/claims/52.md, says what each rule means.
set -eu
. "$HARNESS/lib.sh"

p=$RUN/52_parallel.csv t=$RUN/52_timeout.csv py=$RUN/52_python.csv
sleep=$(csv_value "$p" sleep_s)
ratios=$RUN/52_ratios.csv
# Each wall time of 10 children over that of one child alone, in its round.
ratio_per_round "$p" "$ratios" wall_s '$children == 10' '$variant == "parallel" && $children == 1'
one=$(median "$p" wall_s variant=parallel children=1)
figure sleep "$sleep"
figure one_s "$one"

# CPython beside it: the default interpreter's 10 at once over one alone
# (the one interpreter the sleepers ran on).
py_default=$(csv_value "$py" version case=one)
py_note=""
if [ -n "$py_default" ]; then
    py_ratio=$(calc "$(csv_value "$py" seconds case=parallel10) / $(csv_value "$py" seconds case=one)")
    py_note="; CPython $py_default ${py_ratio}x"
    figure py_ratio "$py_ratio"
fi
figure py_default "$py_default"

# rule 52.parallel: 10 children started at once take under 2x one child's
# time (median over rounds of wall(10 at once) / wall(1), same round).
# Inconclusive when starting the 10 took half a sleep or more (median).
par=$(median "$ratios" ratio variant=parallel)
start=$(median "$p" start_s variant=parallel children=10)
control="$start < 0.5 * $sleep"
why="starting the 10 children took ${start} s, half a sleep or more"
v=$(decide "$par < 2" "$control" "$why")
book_claim 52.parallel "$v" "10 at once took $(spread "$ratios" ratio variant=parallel) one child's time (${one} s)$py_note"
figure parallel_ratio "$par"
figure start_s "$start"

# rule 52.parallel.neg: the same rule on the 10 run one after another.
ser=$(median "$ratios" ratio variant=serial)
v=$(decide "$ser < 2" "$control" "$why")
negative_control 52.parallel.neg "$v" "one after another: $(spread "$ratios" ratio variant=serial) one child's time"
figure serial_ratio "$ser"

# rule 52.timeout: every child stopped by its process group (sleep 10, a
# shell that started one, a shell ignoring SIGTERM) was ended by a signal
# and reaped (exit code 128 + signal) with 0 processes of its group left.
# Inconclusive when a shell had not started its sleep by the deadline.
left=$(highest "$t" left_in_group stop=group)
code=$(lowest "$t" exit_code stop=group)
started=$(lowest "$t" grandchild_started stop=group child=shell)
runs=$(count_rows "$t" stop=group)
v=$(decide "$left == 0 && $code > 128" "$started == 1" "a shell had not started its sleep by the 0.1 s deadline")
codes=$(mlr --icsv --onidx filter '$stop == "group"' then uniq -f exit_code then sort -nf exit_code "$t" | paste -sd' ' -)
book_claim 52.timeout "$v" "killpg() to the group: $left process(es) left over $runs stops, every child reaped (exit codes $codes)"
figure group_runs "$runs"
figure group_left "$left"

# rule 52.timeout.neg: the same rule on the shell stopped the book's way,
# terminate() to the child alone.
left_pid=$(highest "$t" left_in_group stop=pid child=shell)
code_pid=$(lowest "$t" exit_code stop=pid child=shell)
started_pid=$(lowest "$t" grandchild_started stop=pid child=shell)
v=$(decide "$left_pid == 0 && $code_pid > 128" "$started_pid == 1" "a shell had not started its sleep by the 0.1 s deadline")
neg_left=$(count_rows "$t" stop=pid child=shell left_in_group=1)
neg_runs=$(count_rows "$t" stop=pid child=shell)
negative_control 52.timeout.neg "$v" "terminate() to the shell alone: its sleep left running in $neg_left of $neg_runs runs"
figure neg_left "$neg_left"
figure neg_runs "$neg_runs"
figure book_left "$(highest "$t" left_in_group stop=pid child=sleep)"
figure gave_up_s "$(median "$t" gave_up_s)"
