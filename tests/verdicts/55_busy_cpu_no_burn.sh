# claim: 55.busy-cpu
# expect: not reproduced
# The polling pipeline finished in a millisecond, main's loop spinning all
# of it (the control passes), and burnt only 1.2x the blocking one's CPU.
. tests/verdicts/doctor.sh
f=$RUN/55_pipeline.csv
set_column "$f" wall_s 0.001 setting=book variant=polling
set_column "$f" main_cpu_s 0.0009 setting=book variant=polling
set_column "$f" cpu_s 0.0012 setting=book variant=polling
set_column "$f" cpu_s 0.001 setting=book variant=blocking
