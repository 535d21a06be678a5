# claim: goal: 7 million items/s
# expect: not reproduced
# queue.h at 1 million items/s pinned, with the CPU to itself.
f=$RUN/55_throughput.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "queue_h" && $7 == "1:1" && $8 == 1 { $16 = 1000000 } NR > 1 && $8 == 1 { $10 = $9 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
