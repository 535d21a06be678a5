# claim: both directions of the bridge work without races or lost lines
# expect: not reproduced
# One executor run that lost a line and put another out of order.
f=$RUN/62_steps.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "executor" && !done { $9 = $9 - 1; $10 = 1; $12 = 1; done = 1 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
