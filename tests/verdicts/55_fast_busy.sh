# claim: queue.h moves items at least as fast as
# expect: inconclusive
# A neighbour shared the pinned CPU: the pinned runs got 30% of it.
f=$RUN/55_throughput.csv
awk -F, -v OFS=, 'NR > 1 && $8 == 1 { $10 = 0.3 * $9; if ($2 == "queue_h") $16 = 1 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
