# claim: goal: 7 million items/s
# expect: inconclusive
# A neighbour shared the pinned CPU, and the rate fell with it.
f=$RUN/55_throughput.csv
awk -F, -v OFS=, 'NR > 1 && $8 == 1 { $10 = 0.3 * $9; if ($2 == "queue_h") $16 = 1000000 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
