# claim: without a lock the total is wrong; with one it is exact
# expect: inconclusive
# A busy machine: in every racy run one thread finished before the other
# started, so nothing could be lost.
f=$RUN/54_racy.csv
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    $c["method"] == "racy" && $c["threads"] > 1 {
        $c["actual"] = $c["expected"]; $c["lost"] = 0; $c["overlap_s"] = 0 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
