# claim: sleeping children in parallel take about one child's time
# expect: not reproduced
# The "parallel" children ran one after another: each parallel round takes
# N sleeps after its spawning, as a serial one would.
f=$RUN/52_rounds.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "parallel" { $5 = $3 * $4 * 1.05 + $6 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
