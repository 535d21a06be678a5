# claim: 60.start
# expect: inconclusive
# The call control took 15 ns in one round and 60 in the others: the CPU
# was too disturbed to time a call.
. tests/verdicts/doctor.sh
set_column "$RUN/60_costs.csv" start_ns 60 design=call
set_column "$RUN/60_costs.csv" start_ns 15 design=call round=0
