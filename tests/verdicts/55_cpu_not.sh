# claim: busy waiting burns CPU
# expect: not reproduced
# The blocking pipeline burns as much CPU as the spinning one.
f=$RUN/55_pipeline.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "blocking" { $10 = 5 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
