# claim: 57.error
# expect: not reproduced
# As if join had reported the failing thread's error by itself.
. tests/verdicts/doctor.sh
f=$RUN/57_errors.csv
set_column "$f" join_failures 1 variant=lost
set_column "$f" errors_seen 1 variant=lost
set_column "$f" error_y 2 variant=lost
set_column "$f" error_x 3 variant=lost
