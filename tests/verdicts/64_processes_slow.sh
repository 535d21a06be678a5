# claim: 64.processes
# expect: not reproduced
# Workers that never ran at the same time (one message out at a time).
. tests/verdicts/doctor.sh
free_cores_64
set_column "$RUN/64_scaling.csv" speedup 1.05 executor=processes workers=2
