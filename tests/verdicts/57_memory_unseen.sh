# claim: 57.memory
# expect: inconclusive
# The control failed: threads that wrote their whole stack showed only
# 12 KiB resident (swapped out, or a system whose RSS the bench cannot read):
# a small figure for the others proves nothing.
. tests/verdicts/doctor.sh
set_column "$RUN/57_memory.csv" rss_per_thread_kib 12 variant=touched
