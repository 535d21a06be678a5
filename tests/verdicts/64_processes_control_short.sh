# claim: a process pool gives about one speedup per core
# expect: inconclusive
# The thread pool scaled, but even the process pool with little to ship (the
# largest numbers) did not: a neighbour delayed its round trips.
. tests/verdicts/doctor.sh
set_column "$RUN/64_scaling.csv" speedup "0.95 * cores" executor=threads
set_column "$RUN/64_scaling.csv" speedup 1.1 executor=processes
set_column "$RUN/64_shipping.csv" speedup 1.0 size=100000
