# claim: 54.gil
# expect: not reproduced
# The GIL took the lock from counting threads 6 times a run, and gil_racy
# still came out exact every time (as if load-add-store were one tick).
. tests/verdicts/doctor.sh
set_column "$RUN/54_methods.csv" actual 500000 method=gil_racy threads=5
set_column "$RUN/54_methods.csv" lost 0 method=gil_racy threads=5
set_column "$RUN/54_methods.csv" gil_forced_drops 6 method=gil_racy threads=5
