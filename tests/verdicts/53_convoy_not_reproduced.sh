# claim: 53.convoy
# expect: not reproduced
# Beside the CPU-bound thread the new GIL's round trips took about as long
# as alone (1.1x, 0.2 ms), while the control's CPU-bound thread had a core.
. tests/verdicts/doctor.sh
set_column "$RUN/53_convoy.csv" alone_p50_us 180 policy=new echo_us=100
set_column "$RUN/53_convoy.csv" busy_p50_us 198 policy=new echo_us=100
set_column "$RUN/53_convoy.csv" slowdown 1.1 policy=new echo_us=100
set_column "$RUN/53_convoy.csv" hog_cpu_share 0.98 policy=none echo_us=100
