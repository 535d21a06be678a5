# claim: 60.bytes
# expect: not reproduced
# A coroutine whose frame kept 1 KB of locals across its await
# (--extra-bytes 1000): about 1170 bytes each.
. tests/verdicts/doctor.sh
set_column "$RUN/60_costs.csv" bytes_frame 1152 design=coroutine
set_column "$RUN/60_costs.csv" bytes_rss 1168 design=coroutine
