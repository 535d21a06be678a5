# claim: 63.debug.neg-below
# expect: inconclusive
# The short call stretched past the threshold by the load (issue 12: a
# 50 ms sleep took 149 ms), and named: a report that is right.
. tests/verdicts/doctor.sh
set_column "$RUN/63_lag.csv" work_ms '$(at["slow_ms"]) * 1.49' variant=below
set_column "$RUN/63_lag.csv" slow_main 1 variant=below
