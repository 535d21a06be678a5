# claim: an unbounded queue in front of a slow stage grows
# expect: not reproduced
# The unbounded queue never held more than a handful of items.
f=$RUN/55_explosion.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "unbounded" { $12 = 5 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
