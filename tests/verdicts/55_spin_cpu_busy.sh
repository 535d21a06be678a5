# claim: 55.spin-cpu
# expect: inconclusive
# A neighbour kept the spinning workers off the CPU: a hundredth of the wall
# time, less than the blocking workers used.
. tests/verdicts/doctor.sh
set_column "$RUN/55_pipeline.csv" workers_cpu_s '0.01 * $(at["wall_s"])' setting=slow_download variant=spinning
