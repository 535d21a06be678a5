# claim: 59.errors
# expect: not reproduced
# The caller asked every result, yet saw nothing in round 1: the error did
# not come back.
. tests/verdicts/doctor.sh
set_column "$RUN/59_errors.csv" caller_saw '"nothing"' way=result round=1
set_column "$RUN/59_errors.csv" err_y -1 way=result round=1
set_column "$RUN/59_errors.csv" err_x -1 way=result round=1
