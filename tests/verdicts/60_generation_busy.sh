# claim: 60.one-latency
# expect: inconclusive
# Every generation, even the 45-cell one, took two latencies: the loop did
# not wake its timers on time, so the sizes cannot be told apart.
. tests/verdicts/doctor.sh
set_column "$RUN/60_grid.csv" gen_s "\$(at[\"gen_s\"]) * 2" design=awaiting
