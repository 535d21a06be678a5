# claim: blocking calls overlap computation
# expect: not reproduced
# Under the new GIL computing and waiting took their sum (nothing hidden),
# while without a GIL they overlapped (the machine could decide).
. tests/verdicts/doctor.sh
set_column "$RUN/53_overlap.csv" both_s "\$9" policy=new
set_column "$RUN/53_overlap.csv" hidden 0 policy=new
set_column "$RUN/53_overlap.csv" hidden 0.95 policy=none
