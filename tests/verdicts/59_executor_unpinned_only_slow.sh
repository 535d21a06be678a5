# claim: 59.gthreadpool
# expect: reproduced
# The executor 3 times GThreadPool's cost unpinned, 0.8 times pinned.
# Unpinned, the scheduler's placement sets the cost (a neighbour moves it
# at will), so only the pinned rows decide: the goal holds.
. tests/verdicts/doctor.sh
free_cores_59
set_column "$RUN/59_overhead.csv" per_task_us 30 variant=executor mode=one pinned=0
set_column "$RUN/59_overhead.csv" per_task_us 10 variant=gthreadpool mode=one pinned=0
set_column "$RUN/59_overhead.csv" per_task_us 6 variant=executor mode=one pinned=1
set_column "$RUN/59_overhead.csv" per_task_us 7.5 variant=gthreadpool mode=one pinned=1
set_column "$RUN/59_overhead.csv" per_task_us 0.2 variant=executor mode=batch pinned=1
set_column "$RUN/59_overhead.csv" per_task_us 0.25 variant=gthreadpool mode=batch pinned=1
