# claim: 54.small
# expect: inconclusive
# At the largest count the two threads never counted at the same time: the
# machine kept them apart, so no count could show the race.
. tests/verdicts/doctor.sh
set_column "$RUN/54_sweep.csv" actual 200000000 method=racy iterations=100000000
set_column "$RUN/54_sweep.csv" lost 0 method=racy iterations=100000000
set_column "$RUN/54_sweep.csv" overlap_s 0 method=racy iterations=100000000
