# claim: 55.busy-cpu
# expect: inconclusive
# A neighbour held the CPU: main's loop ran a tenth of the wall time.
. tests/verdicts/doctor.sh
f=$RUN/55_pipeline.csv
set_column "$f" main_cpu_s '0.1 * $(at["wall_s"])' setting=book variant=polling
set_column "$f" cpu_s '$(at["main_cpu_s"]) + $(at["workers_cpu_s"])' setting=book variant=polling
