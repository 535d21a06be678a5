# claim: sleeping children in parallel take about one child's time
# expect: inconclusive
# A machine so busy that each child, alone, took many sleeps to start and
# end: the serial rounds (the control) are 30 times slower.
f=$RUN/52_rounds.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "serial" { $5 = $5 * 30 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
