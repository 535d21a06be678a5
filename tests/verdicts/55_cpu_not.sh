# claim: busy waiting burns CPU
# expect: not reproduced
# The blocking pipeline burns as much CPU as the spinning one (and the spinning
# one had its core, so the control passes whatever the machine did).
f=$RUN/55_pipeline.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "blocking" { $10 = 5 } NR > 1 && $2 == "polling" && $6 == 0 { $9 = $10 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
