# claim: busy waiting burns CPU
# expect: inconclusive
# A neighbour starved the spinning pipeline: it got a tenth of a core.
f=$RUN/55_pipeline.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "polling" && $6 == 0 { $9 = 10 * $10 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
