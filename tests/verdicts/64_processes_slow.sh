# claim: a process pool gives about one speedup per core
# expect: not reproduced
# The cores were free (the no-GIL control scaled) but the process pool did not.
. tests/verdicts/doctor.sh
set_column "$RUN/64_scaling.csv" speedup "0.95 * cores" executor=threads
set_column "$RUN/64_scaling.csv" speedup 1.1 executor=processes
