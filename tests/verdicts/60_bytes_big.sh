# claim: a coroutine costs under 1 KB while alive
# expect: not reproduced
f=$RUN/60_costs.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "c_coroutine" { $7 = 1500 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
