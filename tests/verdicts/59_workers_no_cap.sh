# claim: max_workers caps the I/O parallelism
# expect: not reproduced
# Ten workers made as slow as one: the pool gave no parallelism at all.
f=$RUN/59_workers.csv
awk -F, -v OFS=, 'NR > 1 && $6 == 1 { t[$8] = $9 } { a[NR] = $0; w[NR] = $6; r[NR] = $8 }
    END { for (i = 1; i <= NR; i++) { $0 = a[i]; if (i > 1 && w[i] == 10) $9 = t[r[i]]; print } }' "$f" >"$f.new" && mv "$f.new" "$f"
