# claim: a process pool gives about one speedup per core
# expect: not reproduced
# The cores were free (the no-GIL control scaled, and so did the process pool
# where it had little to ship) but the process pool did not.
. tests/verdicts/doctor.sh
set_column "$RUN/64_scaling.csv" speedup "0.95 * cores" executor=threads
set_column "$RUN/64_scaling.csv" speedup 1.1 executor=processes
set_column "$RUN/64_shipping.csv" speedup "0.9 * cores" size=100000
