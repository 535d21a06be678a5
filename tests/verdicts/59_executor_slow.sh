# claim: 59.gthreadpool
# expect: not reproduced
# The executor's pinned round trips twice GThreadPool's: over the 1.5x goal.
. tests/verdicts/doctor.sh
free_cores_59
set_column "$RUN/59_overhead.csv" per_task_us 16 variant=executor mode=one pinned=1
set_column "$RUN/59_overhead.csv" per_task_us 8 variant=gthreadpool mode=one pinned=1
