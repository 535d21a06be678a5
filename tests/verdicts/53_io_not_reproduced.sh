# claim: K threads making blocking calls are about K times faster
# expect: not reproduced
# Under the new GIL the threads' waits did not overlap (no faster than one
# after another), while without a GIL they did (the machine could decide).
. tests/verdicts/doctor.sh
set_column "$RUN/53_io.csv" speedup 1.0 policy=new
set_column "$RUN/53_io.csv" speedup "0.95 * \$3" policy=none
