# claim: the price: beside a CPU-bound thread a round trip waits about one switch interval
# expect: not reproduced
# Beside the CPU-bound thread the round trips took as long as alone.
f=$RUN/53_convoy.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "new" { $9 = $6; $12 = 1 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
