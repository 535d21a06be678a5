# claim: 56.serial
# expect: not reproduced
# The book's grid half as slow again as its cells' latencies added up,
# though it never waited for a CPU and lone calls wake on time: not the
# waits, not the machine.
. tests/verdicts/doctor.sh
set_column "$RUN/56_book.csv" gen_s '1.05 * $(at["io_ms"]) / 1000' variant=one_call
set_column "$RUN/56_book.csv" gen_s '1.5 * 45 * $(at["io_ms"]) / 1000' variant=serial
set_column "$RUN/56_book.csv" runq_s 0 variant=serial
