# claim: a process pool gives about one speedup per core
# expect: inconclusive
# A CPU-bound pool beat the core count: the serial rounds were slowed.
. tests/verdicts/doctor.sh
set_column "$RUN/64_scaling.csv" speedup "1.5 * cores" executor=threads
set_column "$RUN/64_scaling.csv" speedup "1.5 * cores" executor=processes
