# claim: 62.threadsafe
# expect: not reproduced
# A future that never carried the error back: the thread and the gather saw
# nothing, one line missing (what call_soon_threadsafe prints).
. tests/verdicts/doctor.sh
set_column "$RUN/62_errors.csv" errors_in_thread 0 bridge=run_coroutine_threadsafe
set_column "$RUN/62_errors.csv" errors_at_gather 0 bridge=run_coroutine_threadsafe
set_column "$RUN/62_errors.csv" lost 1 bridge=run_coroutine_threadsafe
