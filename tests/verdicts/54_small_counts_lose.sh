# claim: small counts hide the race
# expect: not reproduced
# Even the smallest count lost half its updates in every run.
f=$RUN/54_sweep_racy.csv
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    $c["iterations"] == 100 {
        $c["lost"] = $c["expected"] / 2; $c["actual"] = $c["expected"] / 2; $c["overlap_s"] = 0.000001 } 1' \
    "$f" >"$f.new" && mv "$f.new" "$f"
