# claim: 57.memory
# expect: reproduced
# As if every one of the 10,000 threads had written most of its stack:
# 7,000 KiB resident each. The rule can say "reproduced".
. tests/verdicts/doctor.sh
set_column "$RUN/57_memory.csv" rss_per_thread_kib 7000 variant=default_stack threads=10000
