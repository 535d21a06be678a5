# claim: shipping costs more than the parallel gain
# expect: not reproduced
# One pair per message already beats serial: shipping cost nothing here.
. tests/verdicts/doctor.sh
set_column "$RUN/64_shipping.csv" speedup "0.9 * cores" executor=processes
