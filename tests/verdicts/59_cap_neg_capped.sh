# claim: 59.cap.neg
# expect: reproduced
# The negative control's rule can pass: had the pool of 100 been as slow on
# 45 cells as a pool of 10 is, the rule would say so.
. tests/verdicts/doctor.sh
free_cores_59
set_column "$RUN/59_cap.csv" gen_s 0.027 variant=pool workers=100 cells=45
set_column "$RUN/59_cap.csv" gen_s 0.006 variant=pool workers=100 cells=10
