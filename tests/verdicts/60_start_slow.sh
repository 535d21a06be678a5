# claim: a coroutine costs about a function call to start
# expect: not reproduced
# Every start took 900 ns, while the malloc control stayed quick.
f=$RUN/60_costs.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "c_coroutine" { $4 = 900 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
