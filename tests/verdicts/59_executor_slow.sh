# claim: the executor costs no more per task than GLib's GThreadPool
# expect: not reproduced
# The executor's tasks made three times as costly as GThreadPool's.
f=$RUN/59_overhead.csv
awk -F, -v OFS=, 'NR > 1 { k = $2 "," $5 "," $7; if ($1 == "gthreadpool") g[k] = $6; a[NR] = $0 } NR == 1 { print; next }
    END { for (i = 2; i <= NR; i++) { $0 = a[i]; k = $2 "," $5 "," $7; if ($1 == "executor") $6 = 3 * g[k]; print } }' "$f" >"$f.new" && mv "$f.new" "$f"
