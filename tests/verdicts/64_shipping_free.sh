# claim: 64.shipping
# expect: not reproduced
# Messages that cost nothing: one tiny pair per message already gains.
. tests/verdicts/doctor.sh
free_cores_64
set_column "$RUN/64_shipping.csv" speedup 1.4 executor=processes size=1000 batch=1
