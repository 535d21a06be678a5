# claim: 55.spin-cpu
# expect: not reproduced
# The spinning workers ran (a quarter of the wall time, the control passes)
# but burnt no more than blocking workers.
. tests/verdicts/doctor.sh
f=$RUN/55_pipeline.csv
set_column "$f" wall_s 0.03 setting=slow_download variant=spinning
set_column "$f" workers_cpu_s 0.008 setting=slow_download variant=spinning
set_column "$f" workers_cpu_s 0.007 setting=slow_download variant=blocking
