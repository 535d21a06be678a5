# claim: 52.timeout.neg
# expect: reproduced
# The negative control's rule reads the pid-stop rows: had terminate() to
# the shell alone left nothing, it would say reproduced.
. tests/verdicts/doctor.sh
set_column "$RUN/52_timeout.csv" left_in_group 0 child=shell stop=pid
