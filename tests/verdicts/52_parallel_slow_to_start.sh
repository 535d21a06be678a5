# claim: 52.parallel
# expect: inconclusive
# A machine so busy that starting the 10 children took 0.06 s, more than
# half a sleep (they then ended 0.06 s late too).
. tests/verdicts/doctor.sh
set_column "$RUN/52_parallel.csv" start_s 0.06 variant=parallel children=10
set_column "$RUN/52_parallel.csv" wall_s 0.17 variant=parallel children=10
