# claim: 59.errors
# expect: not reproduced
# The error came back, but naming another cell than the one that failed.
. tests/verdicts/doctor.sh
set_column "$RUN/59_errors.csv" err_x 4 way=result
