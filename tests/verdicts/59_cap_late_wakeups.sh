# claim: 59.cap
# expect: inconclusive
# A 10-cell generation on 10 workers (one 5 ms wait each) took 15 ms: the
# waiting threads were woken late, which shrinks the ratio the rule reads.
. tests/verdicts/doctor.sh
set_column "$RUN/59_cap.csv" gen_s 0.015 variant=pool workers=10 cells=10
