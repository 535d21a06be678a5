# claim: a thread pool under a GIL gives CPU-bound work no speedup
# expect: inconclusive
# The pool without a GIL got no parallelism either: the machine was busy.
. tests/verdicts/doctor.sh
set_column "$RUN/64_scaling.csv" speedup 1.05 executor=threads
set_column "$RUN/64_scaling.csv" speedup 1.0 executor=threads_gil
