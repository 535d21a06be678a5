# claim: 52.timeout
# expect: inconclusive
# The shell had not started its sleep by the deadline (a busy machine): the
# run could not test what a stop leaves.
. tests/verdicts/doctor.sh
set_column "$RUN/52_timeout.csv" grandchild_started 0 child=shell stop=group
set_column "$RUN/52_timeout.csv" in_group_at_deadline 1 child=shell stop=group
