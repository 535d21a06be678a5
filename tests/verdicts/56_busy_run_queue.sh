# claim: 56.serial
# expect: inconclusive
# A busy machine: every generation of the sweep half as slow again, and the
# schedstat figures show the whole excess spent ready to run with no CPU free.
. tests/verdicts/doctor.sh
set_column "$RUN/56_sweep.csv" gen_s '($(at["gen_s"]) == "" ? "" : 1.5 * $(at["cells"]) * $(at["latency_ms"]) / 1000)' approach=serial
set_column "$RUN/56_sweep.csv" runq_s '($(at["gen_s"]) == "" ? "" : 0.5 * $(at["cells"]) * $(at["latency_ms"]) / 1000)' approach=serial
