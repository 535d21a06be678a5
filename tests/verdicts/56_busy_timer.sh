# claim: 56.serial
# expect: inconclusive
# A machine whose timers fire late (a busy host under the VM): every 1 ms
# wait takes 1.5 ms, the lone calls too, with no time in the run queue.
. tests/verdicts/doctor.sh
set_column "$RUN/56_book.csv" gen_s '1.5 * $(at["io_ms"]) / 1000' variant=one_call
set_column "$RUN/56_sweep.csv" gen_s '($(at["gen_s"]) == "" ? "" : 1.5 * $(at["cells"]) * $(at["latency_ms"]) / 1000)' approach=serial
set_column "$RUN/56_sweep.csv" runq_s '($(at["gen_s"]) == "" ? "" : 0)' approach=serial
