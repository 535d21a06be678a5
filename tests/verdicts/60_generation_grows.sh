# claim: a generation takes about one latency whatever the number of cells
# expect: not reproduced
# The 10,000-cell generation took three times the 45-cell one in every round.
f=$RUN/60_headline.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "coroutines" && $4 == 10000 { $9 = $9 * 3 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
