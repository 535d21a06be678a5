# claim: 52.parallel
# expect: not reproduced
# The 10 children "at once" ran one after another: about 10 times one
# child's 0.105 s, as a serial run takes.
. tests/verdicts/doctor.sh
set_column "$RUN/52_parallel.csv" wall_s 1.05 variant=parallel children=10
