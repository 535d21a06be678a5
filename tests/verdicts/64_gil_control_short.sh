# claim: 64.threads-gil
# expect: inconclusive
# A neighbour held a core: the pool without a GIL reached only 1.2x.
. tests/verdicts/doctor.sh
set_column "$RUN/64_scaling.csv" speedup 1.2 executor=threads workers=2
