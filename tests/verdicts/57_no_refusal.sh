# claim: 57.spawn
# expect: not reproduced
# 10,000 threads alive at once with no cap and none refused, while the
# capped push is refused as it must be.
. tests/verdicts/doctor.sh
f=$RUN/57_spawn.csv
set_column "$f" started 10000 mode=natural
set_column "$f" joined 10000 mode=natural
set_column "$f" limit 10000 mode=natural
set_column "$f" stopped_by '"max_threads"' mode=natural
set_column "$f" error '"none"' mode=natural
set_column "$f" stopped_by '"refused"' mode=capped
