# claim: 61.port
# expect: not reproduced
# A port that rewrote half the handler: 10 of its 24 lines kept, 2 awaited.
. tests/verdicts/doctor.sh
set_column "$RUN/61_port.csv" handler_kept 10 port=coroutines
set_column "$RUN/61_port.csv" handler_awaited 2 port=coroutines
set_column "$RUN/61_port.csv" handler_otherwise 12 port=coroutines
set_column "$RUN/61_port.csv" handler_share 0.5 port=coroutines
