# claim: an unbounded queue in front of a slow stage grows
# expect: inconclusive
# The fast download was slowed (a neighbour) until it took the whole run.
f=$RUN/55_explosion.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "unbounded" { $18 = $9; $12 = 5 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
