# claim: 54.lock
# expect: inconclusive
# A busy machine: racy's threads only took turns on one core (0.9 cores
# busy) and came out exact; the race never had two cores.
. tests/verdicts/doctor.sh
set_column "$RUN/54_lock.csv" actual 25000000 method=racy
set_column "$RUN/54_lock.csv" lost 0 method=racy
set_column "$RUN/54_lock.csv" cores_busy 0.9
