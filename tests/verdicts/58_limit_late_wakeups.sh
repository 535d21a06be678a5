# claim: 58.limit
# expect: inconclusive
# A 5-cell generation (one 1 ms wait per worker) took 3 ms: the waiting
# threads were woken late, which shrinks the ratio the rule reads.
. tests/verdicts/doctor.sh
set_column "$RUN/58_limit.csv" gen_s 0.003 variant=queue_workers workers=5 cells=5
