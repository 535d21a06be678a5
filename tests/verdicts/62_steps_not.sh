# claim: 62.steps
# expect: not reproduced
# tail_in_executor's slowest line as late as the readers' time: what a pool
# with fewer threads than files gives (the bench prints that with --workers 2).
. tests/verdicts/doctor.sh
set_column "$RUN/62_steps.csv" age_p99_ms '$(at["tail_ms"]) * 0.97' step=tail_in_executor
set_column "$RUN/62_steps.csv" stall_ms 0.1
