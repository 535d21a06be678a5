# claim: an error inside a thread is lost unless carried back
# expect: not reproduced
# As if join had reported the failing thread's error by itself.
f=$RUN/57_errors.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "lost" { $3 = 1; $4 = 1; $5 = 2; $6 = 3 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
