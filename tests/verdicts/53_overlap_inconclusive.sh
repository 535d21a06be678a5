# claim: 53.overlap
# expect: inconclusive
# Even without a GIL only 0.3 of the shorter part was hidden: waking threads
# did not get a core.
. tests/verdicts/doctor.sh
set_column "$RUN/53_io.csv" hidden 0.2 policy=new work=blocking
set_column "$RUN/53_io.csv" hidden 0.3 policy=none work=blocking
