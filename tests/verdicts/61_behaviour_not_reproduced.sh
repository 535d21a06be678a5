# claim: 61.behaviour
# expect: not reproduced
# The coroutine port steps past the repeated 1 and guesses 2 where the
# thread server drew again and guessed 5 (what --draw step prints).
. tests/verdicts/doctor.sh
set_column "$RUN/61_games.csv" guess 2 server=coroutines draw=again game=1 try=3
set_column "$RUN/61_games.csv" report '"Warmer"' server=coroutines draw=again game=1 try=3
