# claim: an unbounded queue in front of a slow stage grows
# expect: not reproduced
# The unbounded queue never held more than a handful of items, though the
# download was fast (the control passes).
f=$RUN/55_explosion.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "unbounded" { $12 = 5; $18 = 0.1 * $9 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
