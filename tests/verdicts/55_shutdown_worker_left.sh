# claim: 55.shutdown
# expect: not reproduced
# One closed run left a worker running after its stage was joined.
. tests/verdicts/doctor.sh
set_column "$RUN/55_shutdown.csv" workers_left 1 variant=closed capacity=1
