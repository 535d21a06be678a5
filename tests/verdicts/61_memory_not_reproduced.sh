# claim: 61.memory
# expect: not reproduced
# Coroutine frames that each kept 6 KiB (a 4 KiB buffer per connection,
# say): a thread's 9 KiB is then 1.5 times as much, not twice.
. tests/verdicts/doctor.sh
set_column "$RUN/61_load.csv" rss_per_conn_kib 6.0 server=coroutines
