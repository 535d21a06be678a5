# claim: 54.small
# expect: not reproduced
# Even 100 increments lost half of them in every run: the small count hid
# nothing.
. tests/verdicts/doctor.sh
set_column "$RUN/54_sweep.csv" actual 100 method=racy iterations=100
set_column "$RUN/54_sweep.csv" lost 100 method=racy iterations=100
set_column "$RUN/54_sweep.csv" overlap_s 0.000002 method=racy iterations=100
