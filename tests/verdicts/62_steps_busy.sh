# claim: 62.steps
# expect: inconclusive
# Even the threaded program's slowest line four polls late: a busy machine.
. tests/verdicts/doctor.sh
set_column "$RUN/62_steps.csv" age_p99_ms '$(at["poll_ms"]) * 4' step=threads
set_column "$RUN/62_steps.csv" stall_ms 0.1
