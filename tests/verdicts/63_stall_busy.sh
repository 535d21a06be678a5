# claim: one blocking call stalls every other task
# expect: inconclusive
# Even the offloaded loop's median beat late by most of the block: a busy machine.
f=$RUN/63_lag.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "offloaded" { $9 = $4 * 0.8; $10 = $4; $11 = $4 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
