# claim: 64.threads-gil
# expect: inconclusive
# The serial rounds were slowed: a CPU-bound pool beat the core count.
. tests/verdicts/doctor.sh
set_column "$RUN/64_scaling.csv" speedup "1.2 * cores" executor=threads workers=4
