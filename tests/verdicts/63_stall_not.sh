# claim: 63.stall
# expect: not reproduced
# The blocked loop's worst beat hardly late at all, as if the call had not
# held it (what an offloaded run prints).
. tests/verdicts/doctor.sh
set_column "$RUN/63_lag.csv" lag_max_ms 3 variant=blocking
set_column "$RUN/63_lag.csv" stall_ms 0.1
