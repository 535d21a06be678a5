# claim: CPU-bound threads under a GIL are no faster than serial
# expect: not reproduced
# The new GIL's threads made 1.9x (as if they ran in parallel), while the
# controls pass: the no-GIL threads reach 0.95 x min(threads, cores) and no
# speedup exceeds the core count (old: 0.9x).
. tests/verdicts/doctor.sh
set_column "$RUN/53_cpu.csv" speedup 1.9 policy=new
set_column "$RUN/53_cpu.csv" speedup 0.9 policy=old
set_column "$RUN/53_cpu.csv" speedup "0.95 * (\$3 < cores ? \$3 : cores)" policy=none
