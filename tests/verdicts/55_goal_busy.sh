# claim: 55.goal
# expect: inconclusive
# A neighbour shared the pinned CPU, and the rate fell with it.
. tests/verdicts/doctor.sh
f=$RUN/55_throughput.csv
set_column "$f" cpu_s '0.3 * $(at["wall_s"])' pinned=1
set_column "$f" rate_per_s 5000000 variant=queue_h producers=1 pinned=1
