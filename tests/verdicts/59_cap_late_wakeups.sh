# claim: 59.cap
# expect: inconclusive
# A 10-cell generation on 10 workers (one 1 ms wait each) took 3 ms: the
# waiting threads were woken late, which shrinks the ratio the rule reads.
. tests/verdicts/doctor.sh
set_column "$RUN/59_cap.csv" gen_s 0.003 variant=pool workers=10 cells=10
