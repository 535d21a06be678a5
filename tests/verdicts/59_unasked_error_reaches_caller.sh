# claim: 59.errors.neg
# expect: reproduced
# The negative control's rule can pass: had the unasked error reached the
# caller, the rule would say so.
. tests/verdicts/doctor.sh
set_column "$RUN/59_errors.csv" caller_saw '"Input/output error"' way=no_result
set_column "$RUN/59_errors.csv" err_y 2 way=no_result
set_column "$RUN/59_errors.csv" err_x 3 way=no_result
