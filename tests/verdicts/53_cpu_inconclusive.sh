# claim: 53.cpu
# expect: inconclusive
# Another job held a core: the no-GIL threads got 1.05 cores and ran 1.02x.
# "No faster under a GIL" then proves nothing.
. tests/verdicts/doctor.sh
set_column "$RUN/53_cpu.csv" speedup 0.99 policy=new threads=4
set_column "$RUN/53_cpu.csv" speedup 1.02 policy=none threads=4
set_column "$RUN/53_cpu.csv" cpu_per_wall 1.05 policy=none threads=4
