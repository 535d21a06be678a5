# claim: 55.bound
# expect: not reproduced
# With a capacity of 10, memory still grew with the items: every payload
# stayed resident (upload never gave them back).
. tests/verdicts/doctor.sh
set_column "$RUN/55_explosion.csv" rss_growth_kib '$(at["items"]) * $(at["item_kib"])' capacity=10
