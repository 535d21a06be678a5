# claim: 55.goal
# expect: not reproduced
# queue.h at 5 million items a second, 1P/1C pinned, the CPU its own.
. tests/verdicts/doctor.sh
f=$RUN/55_throughput.csv
set_column "$f" rate_per_s 5000000 variant=queue_h producers=1 pinned=1
set_column "$f" cpu_s '$(at["wall_s"])' pinned=1
