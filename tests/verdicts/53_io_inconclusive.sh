# claim: 53.io
# expect: inconclusive
# Even without a GIL the five waiting threads reached only 1.8x: sleeping
# threads were not woken on time, so the machine could not decide.
. tests/verdicts/doctor.sh
set_column "$RUN/53_io.csv" speedup 1.6 policy=new work=blocking
set_column "$RUN/53_io.csv" speedup 1.8 policy=none work=blocking
