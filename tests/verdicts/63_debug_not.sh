# claim: the debug mode finds it
# expect: not reproduced
# A detector that also fires below its threshold.
f=$RUN/63_quiet.csv
awk -F, -v OFS=, 'NR == 2 { $14 = 1 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
