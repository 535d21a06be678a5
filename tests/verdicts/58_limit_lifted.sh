# claim: 58.limit
# expect: not reproduced
# 45 cells by 5 workers only 2.7 times as slow as 5 cells (3 ms against
# 1.1): the time did not grow with the cells.
. tests/verdicts/doctor.sh
free_cores_58
set_column "$RUN/58_limit.csv" gen_s 0.003 variant=queue_workers workers=5 cells=45
set_column "$RUN/58_limit.csv" gen_s 0.0011 variant=queue_workers workers=5 cells=5
