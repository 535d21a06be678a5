# claim: K threads making blocking calls are about K times faster
# expect: inconclusive
# Even without a GIL the waiting threads were barely faster than serial:
# sleeping threads were not woken on time.
. tests/verdicts/doctor.sh
set_column "$RUN/53_io.csv" speedup 1.1 policy=none
