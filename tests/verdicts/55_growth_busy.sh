# claim: 55.growth
# expect: inconclusive
# A neighbour slowed the fast download to resize's pace: it took the whole
# run, and the queue had no reason to grow.
. tests/verdicts/doctor.sh
f=$RUN/55_explosion.csv
set_column "$f" download_s '$(at["wall_s"])' capacity=0
set_column "$f" peak_depth 5 capacity=0
