# claim: a thread pool under a GIL gives CPU-bound work no speedup
# expect: not reproduced
# The pool under the GIL runs as fast as the one without: the claim fails.
. tests/verdicts/doctor.sh
set_column "$RUN/64_scaling.csv" speedup "0.95 * cores" executor=threads
set_column "$RUN/64_scaling.csv" speedup "0.9 * cores" executor=threads_gil
