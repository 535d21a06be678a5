# claim: 60.one-latency
# expect: not reproduced
# The 10,000-cell generation took three latencies in every round while the
# 45-cell one took one.
. tests/verdicts/doctor.sh
set_column "$RUN/60_grid.csv" gen_s 0.3 design=awaiting cells=10000
