# claim: 60.error
# expect: not reproduced
# The awaiter of the gather got no error although cell (2, 3) raised.
. tests/verdicts/doctor.sh
set_column "$RUN/60_error.csv" awaiter_error 0 design=gathered
set_column "$RUN/60_error.csv" err_y -1 design=gathered
set_column "$RUN/60_error.csv" err_x -1 design=gathered
