# claim: K threads making blocking calls are about K times faster
# expect: not reproduced
# The threads' waits did not overlap: no faster than one after another.
f=$RUN/53_io.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "new" { $8 = 1.0 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
