# claim: 60.start
# expect: not reproduced
# Every coroutine start took 240 ns against a 20 ns call: 12x, over 10x.
. tests/verdicts/doctor.sh
set_column "$RUN/60_costs.csv" start_ns 240 design=coroutine
set_column "$RUN/60_costs.csv" start_ns 20 design=call
