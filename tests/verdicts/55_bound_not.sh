# claim: a bounded queue caps depth and memory
# expect: not reproduced
# A queue of capacity 10 that held 50 items.
f=$RUN/55_explosion.csv
awk -F, -v OFS=, 'NR > 1 && $5 == 10 { $12 = 50 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
