# claim: 57.memory
# expect: not reproduced
# 10,000 threads holding what a parked thread holds on Linux, about 8 KiB
# each, while the stack-writing control shows its pages.
. tests/verdicts/doctor.sh
set_column "$RUN/57_memory.csv" rss_per_thread_kib 8.25 variant=default_stack threads=10000
set_column "$RUN/57_memory.csv" rss_per_thread_kib 7688 variant=touched
