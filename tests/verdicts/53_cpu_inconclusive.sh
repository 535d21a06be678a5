# claim: CPU-bound threads under a GIL are no faster than serial
# expect: inconclusive
# The no-GIL control reached only 0.66x: no core was free, so "no faster
# under a GIL" proves nothing.
. tests/verdicts/doctor.sh
set_column "$RUN/53_cpu.csv" speedup 0.66 policy=none
