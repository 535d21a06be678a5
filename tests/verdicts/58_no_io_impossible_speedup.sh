# claim: 58.workers.neg-io
# expect: inconclusive
# With no I/O, 5 workers 6 times as fast as 1 on a 2-core machine: CPU work
# cannot speed up past the cores, so the 1-worker rounds were slowed by a
# neighbour; the negative control cannot be judged on such data.
. tests/verdicts/doctor.sh
set_column "$RUN/58_no_io.csv" gen_s 0.000008 variant=queue_workers workers=5
set_column "$RUN/58_no_io.csv" gen_s 0.00005 variant=queue_workers workers=1
