# claim: 52.timeout
# expect: not reproduced
# The stubborn child was never reaped: no exit status came back (0).
. tests/verdicts/doctor.sh
set_column "$RUN/52_timeout.csv" exit_code 0 child=stubborn stop=group
