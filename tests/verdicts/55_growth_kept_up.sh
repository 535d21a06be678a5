# claim: 55.growth
# expect: not reproduced
# Download was done early (the control passes), yet the unbounded queue
# never held more than five items, nor memory more than their payloads.
. tests/verdicts/doctor.sh
f=$RUN/55_explosion.csv
set_column "$f" peak_depth 5 capacity=0
set_column "$f" peak_payloads 6 capacity=0
set_column "$f" rss_growth_kib '6 * $(at["item_kib"])' capacity=0
set_column "$f" download_s '0.1 * $(at["wall_s"])' capacity=0
