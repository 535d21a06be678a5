# claim: 52.timeout
# expect: not reproduced
# The stop by group left the shell's sleep running.
. tests/verdicts/doctor.sh
set_column "$RUN/52_timeout.csv" left_in_group 1 child=shell stop=group
