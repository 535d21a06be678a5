# claim: 52.parallel.neg
# expect: reproduced
# The negative control's rule reads the serial rows: had the 10 "one after
# another" overlapped (0.12 s), it would say reproduced.
. tests/verdicts/doctor.sh
set_column "$RUN/52_parallel.csv" wall_s 0.12 variant=serial children=10
