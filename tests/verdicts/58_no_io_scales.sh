# claim: 58.workers.neg-io
# expect: reproduced
# The negative control's rule can pass: had 5 workers been 5 times as fast
# as 1 with no I/O, the rule would say so.
. tests/verdicts/doctor.sh
set_column "$RUN/58_no_io.csv" gen_s 0.000008 variant=queue_workers workers=5
set_column "$RUN/58_no_io.csv" gen_s 0.00005 variant=queue_workers workers=1
