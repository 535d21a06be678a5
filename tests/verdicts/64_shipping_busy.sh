# claim: shipping costs more than the parallel gain
# expect: inconclusive
# Even the largest numbers, where shipping is negligible, got no speedup.
. tests/verdicts/doctor.sh
set_column "$RUN/64_shipping.csv" speedup 0.5 executor=processes
