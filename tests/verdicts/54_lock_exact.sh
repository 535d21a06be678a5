# claim: 54.lock
# expect: not reproduced
# racy's five threads ran on two cores at once (1.9 cores busy) and the
# total still came out exact in every run.
. tests/verdicts/doctor.sh
set_column "$RUN/54_lock.csv" actual 25000000 method=racy
set_column "$RUN/54_lock.csv" lost 0 method=racy
set_column "$RUN/54_lock.csv" cores_busy 1.9 method=racy
