# claim: 61.idle
# expect: not reproduced
# Threads that look for a stop every 100 ms: 1,000 idle connections wake
# 10,000 times a second and take 8% of a core.
. tests/verdicts/doctor.sh
set_column "$RUN/61_load.csv" idle_wakeups_per_s 10000 server=threads clients=1000
set_column "$RUN/61_load.csv" idle_cpu_pct 8 server=threads clients=1000
