# claim: 57.spawn
# expect: inconclusive
# A machine so busy that the push hit its own 10 s bound at 6,000 threads:
# neither refused nor at 10,000, it cannot decide.
. tests/verdicts/doctor.sh
f=$RUN/57_spawn.csv
set_column "$f" started 6000 mode=natural
set_column "$f" joined 6000 mode=natural
set_column "$f" stopped_by '"time_bound"' mode=natural
set_column "$f" error '"none"' mode=natural
