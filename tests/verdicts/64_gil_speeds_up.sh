# claim: 64.threads-gil
# expect: not reproduced
# A lock that never makes a holder drop: the pool under it scales like the
# pool without one.
. tests/verdicts/doctor.sh
free_cores_64
set_column "$RUN/64_scaling.csv" speedup "0.9 * cores" executor=threads_gil workers=2
