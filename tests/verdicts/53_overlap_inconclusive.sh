# claim: blocking calls overlap computation
# expect: inconclusive
# Even without a GIL the waits and the computation did not overlap: waking
# threads were not getting a core.
. tests/verdicts/doctor.sh
set_column "$RUN/53_overlap.csv" hidden 0.1 policy=none
