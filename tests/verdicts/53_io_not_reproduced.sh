# claim: K threads making blocking calls are about K times faster
# expect: not reproduced
# The threads' waits did not overlap: no faster than one after another.
. tests/verdicts/doctor.sh
set_column "$RUN/53_io.csv" speedup 1.0 policy=new
