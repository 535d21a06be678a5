# claim: 58.workers
# expect: inconclusive
# Five bare sleeping threads only 2.5 times as fast as one: this machine did
# not let the waits overlap, so nothing can be said about the queue's.
. tests/verdicts/doctor.sh
set_column "$RUN/58_workers.csv" gen_s 0.02 variant=sleepers workers=5
