# claim: 57.spawn
# expect: reproduced
# A system that refuses thread 4,097 with no cap (a container's pids.max,
# or vm.overcommit_memory=2 with little memory): the rule says so.
. tests/verdicts/doctor.sh
f=$RUN/57_spawn.csv
set_column "$f" started 4096 mode=natural
set_column "$f" joined 4096 mode=natural
set_column "$f" stopped_by '"refused"' mode=natural
set_column "$f" error '"Resource temporarily unavailable"' mode=natural
