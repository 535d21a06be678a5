# claim: 53.io
# expect: not reproduced
# Under the new GIL the five blocking calls did not overlap (1.05x: as if the
# lock were held across the call), while without a GIL they did (4.9x).
. tests/verdicts/doctor.sh
set_column "$RUN/53_io.csv" speedup 1.05 policy=new work=blocking
set_column "$RUN/53_io.csv" speedup 4.9 policy=none work=blocking
