# claim: 53.convoy
# expect: inconclusive
# The CPU-bound thread got 0.3 of a core even without a GIL (six other jobs
# on the machine): it could not take the lock while the client waited, so
# the absence of a convoy proves nothing.
. tests/verdicts/doctor.sh
set_column "$RUN/53_convoy.csv" alone_p50_us 180 policy=new echo_us=100
set_column "$RUN/53_convoy.csv" busy_p50_us 270 policy=new echo_us=100
set_column "$RUN/53_convoy.csv" slowdown 1.5 policy=new echo_us=100
set_column "$RUN/53_convoy.csv" hog_cpu_share 0.3 policy=none echo_us=100
