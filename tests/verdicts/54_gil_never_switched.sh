# claim: 54.gil
# expect: inconclusive
# The GIL never took the lock from a counting thread: each ran its share
# alone, so nothing could be lost and nothing is shown.
. tests/verdicts/doctor.sh
set_column "$RUN/54_methods.csv" actual 500000 method=gil_racy threads=5
set_column "$RUN/54_methods.csv" lost 0 method=gil_racy threads=5
set_column "$RUN/54_methods.csv" gil_forced_drops 0 method=gil_racy threads=5
set_column "$RUN/54_methods.csv" gil_forced_drops 0 method=gil_mutex threads=5
