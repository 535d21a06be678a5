# claim: 56.serial
# expect: not reproduced
# The largest grid of the sweep twice as slow per cell as the smallest, in
# each of three rounds alike, never waiting for a CPU, while lone calls
# wake on time: the time does not grow as cells x latency.
. tests/verdicts/doctor.sh
f=$RUN/56_sweep.csv
set_column "$RUN/56_book.csv" gen_s '1.05 * $(at["io_ms"]) / 1000' variant=one_call
mlr --icsv --ocsv filter '$gen_s != ""' then put '$round = 2' "$f" >"$f.2"
mlr --icsv --ocsv filter '$gen_s != ""' then put '$round = 3' "$f" >"$f.3"
mlr --icsv --ocsv cat "$f" "$f.2" "$f.3" >"$f.new" && mv "$f.new" "$f" && rm -f "$f.2" "$f.3"
set_column "$f" gen_s '2.2 * $(at["cells"]) * $(at["latency_ms"]) / 1000' approach=serial cells=2500
set_column "$f" runq_s 0 approach=serial cells=2500
