# claim: 57.error
# expect: inconclusive
# The lost run's grid came out right: the cell's I/O did not fail, so the
# silence proves nothing.
. tests/verdicts/doctor.sh
set_column "$RUN/57_errors.csv" grid_correct 1 variant=lost
