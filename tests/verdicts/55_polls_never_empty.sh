# claim: 55.polls
# expect: not reproduced
# The polling workers never found their lists empty: one pass per item per
# stage, as if every item had been waiting for them each time they looked.
. tests/verdicts/doctor.sh
set_column "$RUN/55_pipeline.csv" empty_polls 0 setting=book variant=polling
set_column "$RUN/55_pipeline.csv" polls '3 * $(at["items"])' setting=book variant=polling
