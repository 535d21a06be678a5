# claim: queue.h moves items at least as fast as
# expect: not reproduced
# queue.h at half of GAsyncQueue's rate in every round, on a quiet CPU.
f=$RUN/55_throughput.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "gasyncqueue" { g[$3, $7, $8] = $16 } NR > 1 { rows[NR] = $0 } NR == 1 { print; next } END { for (i = 2; i <= NR; i++) { $0 = rows[i]; if ($2 == "queue_h") $16 = g[$3, $7, $8] / 2; if ($8 == 1) $10 = $9; print } }' "$f" >"$f.new" && mv "$f.new" "$f"
