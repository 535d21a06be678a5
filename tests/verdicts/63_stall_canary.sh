# claim: 63.stall.neg-offloaded
# expect: inconclusive
# The machine held a sleeping canary thread half the block: an offloaded
# heartbeat as late as that tells nothing about the loop.
. tests/verdicts/doctor.sh
set_column "$RUN/63_lag.csv" stall_ms '$(at["block_ms"]) * 0.5'
