# claim: 56.serial
# expect: inconclusive
# A system that does not say how long a run waited for a CPU (no schedstat):
# a slow book run cannot be told from a busy machine.
. tests/verdicts/doctor.sh
set_column "$RUN/56_book.csv" gen_s '1.5 * 45 * $(at["io_ms"]) / 1000' variant=serial
set_column "$RUN/56_book.csv" runq_s '""' variant=serial
