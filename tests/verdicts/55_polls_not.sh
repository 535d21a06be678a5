# claim: a polling worker polls
# expect: not reproduced
# A blocking pipeline that polled.
f=$RUN/55_pipeline.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "blocking" { $11 = 3 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
