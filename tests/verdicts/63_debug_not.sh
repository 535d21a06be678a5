# claim: 63.debug
# expect: not reproduced
# A debug mode that missed one blocking call that took the whole block.
. tests/verdicts/doctor.sh
set_column "$RUN/63_lag.csv" slow_main 0 variant=blocking call=fsync
