# claim: 63.stall
# expect: inconclusive
# The heartbeat alone came up to half the block late: a busy machine.
. tests/verdicts/doctor.sh
set_column "$RUN/63_lag.csv" lag_max_ms '$(at["block_ms"]) * 0.5' variant=baseline
set_column "$RUN/63_lag.csv" stall_ms 0.1
