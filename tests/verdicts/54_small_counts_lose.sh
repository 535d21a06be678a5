# claim: 54.small
# expect: not reproduced
# Even 100 increments lost half of them in every run, while at the largest
# count the threads ran on two cores at once: the small count hid nothing.
f=$RUN/54_sweep.csv
big=$(mlr --icsv --onidx filter '$method == "racy"' then stats1 -a max -f iterations "$f")
. tests/verdicts/doctor.sh
set_column "$f" actual 100 method=racy iterations=100
set_column "$f" lost 100 method=racy iterations=100
set_column "$f" overlap_s 0.000002 method=racy iterations=100
set_column "$f" cores_busy 1.9 method=racy iterations="$big"
