# claim: 55.spin-cpu
# expect: inconclusive
# A neighbour kept the spinning workers off the CPU: a tenth of the wall time.
. tests/verdicts/doctor.sh
set_column "$RUN/55_pipeline.csv" workers_cpu_s '0.1 * $(at["wall_s"])' setting=slow_download variant=spinning
