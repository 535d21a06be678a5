# claim: blocking calls overlap computation
# expect: not reproduced
# Under the new GIL computing and waiting took their sum (nothing hidden),
# while without a GIL they overlapped (the machine could decide).
f=$RUN/53_overlap.csv
awk -F, -v OFS=, 'NR > 1 && $2 == "new" { $8 = $9; $11 = 0 }
                  NR > 1 && $2 == "none" { $11 = 0.95 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
