# claim: 64.processes
# expect: inconclusive
# The process pool with little to ship fell short too: a neighbour held a core.
. tests/verdicts/doctor.sh
set_column "$RUN/64_shipping.csv" speedup 1.1 executor=processes size=100000
