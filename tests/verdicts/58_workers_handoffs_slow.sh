# claim: 58.workers
# expect: inconclusive
# One queue worker twice as slow as one bare sleeper: the hand-offs waited
# for a CPU (a busy machine), so the run cannot judge the overlap.
. tests/verdicts/doctor.sh
set_column "$RUN/58_workers.csv" gen_s '2 * $(at["gen_s"])' variant=queue_workers workers=1
