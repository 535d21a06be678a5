# claim: 60.bytes
# expect: inconclusive
# Resident memory grew by 40 bytes per coroutine, less than its 152-byte
# frame: the pages were not all counted (memory reused from before).
. tests/verdicts/doctor.sh
set_column "$RUN/60_costs.csv" bytes_rss 40 design=coroutine
