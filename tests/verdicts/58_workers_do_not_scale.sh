# claim: a generation takes cells / workers x latency
# expect: not reproduced
# Five workers made as slow as one.
f=$RUN/58_workers.csv
awk -F, -v OFS=, 'NR > 1 && $6 == 1 { t[$1, $8] = $9 } { a[NR] = $0; v[NR] = $1; w[NR] = $6; r[NR] = $8 }
    END { for (i = 1; i <= NR; i++) { $0 = a[i]; if (i > 1 && w[i] == 5) $9 = t[v[i], r[i]]; print } }' "$f" >"$f.new" && mv "$f.new" "$f"
