# claim: 53.overlap
# expect: not reproduced
# Under the new GIL computing beside the blocking threads took nearly the
# sum (0.1 of the shorter part hidden), while without a GIL nearly all of it
# was hidden (0.95).
. tests/verdicts/doctor.sh
set_column "$RUN/53_io.csv" hidden 0.1 policy=new work=blocking
set_column "$RUN/53_io.csv" hidden 0.95 policy=none work=blocking
