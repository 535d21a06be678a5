# claim: 60.many
# expect: not reproduced
# A machine with its thread limits raised (pid_max and threads-max at
# 4194304, vm.max_map_count at 10 million) and 64 GiB free: 100,000
# threads would fit.
. tests/verdicts/doctor.sh
set_column "$RUN/60_limits.csv" value 4194304 limit=pid_max
set_column "$RUN/60_limits.csv" value 4194304 limit=threads_max
set_column "$RUN/60_limits.csv" value 10000000 limit=max_map_count
set_column "$RUN/60_limits.csv" value -1 limit=nproc
set_column "$RUN/60_limits.csv" value 67108864 limit=mem_available_kib
