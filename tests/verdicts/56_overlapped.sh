# claim: 56.serial
# expect: not reproduced
# As if the cells' waits had overlapped: every serial generation ten times
# shorter than its cells' latencies added up, which no serial run can be.
. tests/verdicts/doctor.sh
tenth='($(at["gen_s"]) == "" ? "" : $(at["gen_s"]) / 10)'
set_column "$RUN/56_book.csv" gen_s "$tenth" variant=serial
set_column "$RUN/56_sweep.csv" gen_s "$tenth" approach=serial
