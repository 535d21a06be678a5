# claim: 64.shipping
# expect: inconclusive
# With the largest numbers no batch reached 0.75 x cores: the cores were not free.
. tests/verdicts/doctor.sh
set_column "$RUN/64_shipping.csv" speedup 1.0 executor=processes size=100000
