# claim: the price: beside a CPU-bound thread a round trip waits about one switch interval
# expect: not reproduced
# Beside the CPU-bound thread the round trips took as long as alone.
. tests/verdicts/doctor.sh
set_column "$RUN/53_convoy.csv" busy_p50_us "\$6" policy=new
set_column "$RUN/53_convoy.csv" slowdown 1 policy=new
