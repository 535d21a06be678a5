# claim: CPU-bound threads under a GIL are no faster than serial
# expect: not reproduced
# The new GIL's threads made 1.9x (as if they ran in parallel), while the
# no-GIL control shows free cores (0.95 x min(threads, cores)).
. tests/verdicts/doctor.sh
set_column "$RUN/53_cpu.csv" speedup 1.9 policy=new
set_column "$RUN/53_cpu.csv" speedup "0.95 * (\$3 < cores ? \$3 : cores)" policy=none
