# claim: 53.cpu
# expect: not reproduced
# The new GIL's four threads ran 1.6x faster than serial (as if the lock
# let them run at once), while the no-GIL control had the cores: 1.85x on
# 1.9 cores.
. tests/verdicts/doctor.sh
set_column "$RUN/53_cpu.csv" speedup 1.6 policy=new threads=4
set_column "$RUN/53_cpu.csv" speedup 1.85 policy=none threads=4
set_column "$RUN/53_cpu.csv" cpu_per_wall 1.9 policy=none threads=4
