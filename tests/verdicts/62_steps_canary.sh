# claim: 62.steps.neg-inline
# expect: inconclusive
# The machine held a sleeping canary thread two polls long in every run.
. tests/verdicts/doctor.sh
set_column "$RUN/62_steps.csv" stall_ms '$(at["poll_ms"]) * 2'
