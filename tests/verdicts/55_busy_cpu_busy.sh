# claim: 55.busy-cpu
# expect: inconclusive
# A neighbour held the CPU: main's loop ran a tenth of the wall time, and
# the polling pipeline's CPU fell below 3x the blocking one's.
. tests/verdicts/doctor.sh
f=$RUN/55_pipeline.csv
set_column "$f" wall_s 0.005 setting=book variant=polling
set_column "$f" main_cpu_s 0.0005 setting=book variant=polling
set_column "$f" cpu_s '$(at["main_cpu_s"]) + $(at["workers_cpu_s"])' setting=book variant=polling
set_column "$f" cpu_s 0.0007 setting=book variant=blocking
