# claim: 55.gasync
# expect: not reproduced
# queue.h at half of GAsyncQueue's rate in every round, the pinned CPU busy.
. tests/verdicts/doctor.sh
f=$RUN/55_throughput.csv
set_column "$f" rate_per_s 1000000 variant=queue_h
set_column "$f" rate_per_s 2000000 variant=gasyncqueue
set_column "$f" cpu_s '$(at["wall_s"])' pinned=1
