# claim: without a lock the total is wrong; with one it is exact
# expect: not reproduced
# Every racy run with two or more threads met the other thread and still
# came out exact.
f=$RUN/54_racy.csv
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    $c["method"] == "racy" && $c["threads"] > 1 {
        $c["actual"] = $c["expected"]; $c["lost"] = 0; $c["overlap_s"] = 0.001 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
