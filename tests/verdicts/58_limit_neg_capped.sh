# claim: 58.limit.neg
# expect: reproduced
# The negative control's rule can pass: had 45 workers been as slow on 45
# cells as 5 workers are, the rule would say so.
. tests/verdicts/doctor.sh
free_cores_58
set_column "$RUN/58_limit.csv" gen_s 0.0099 variant=queue_workers workers=45 cells=45
set_column "$RUN/58_limit.csv" gen_s 0.0011 variant=queue_workers workers=45 cells=5
