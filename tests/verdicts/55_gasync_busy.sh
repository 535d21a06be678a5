# claim: 55.gasync
# expect: inconclusive
# A neighbour shared the pinned CPU: the pinned runs had it 30% of the time.
. tests/verdicts/doctor.sh
f=$RUN/55_throughput.csv
set_column "$f" cpu_s '0.3 * $(at["wall_s"])' pinned=1
set_column "$f" rate_per_s 1000000 variant=queue_h
