# claim: small counts hide the race
# expect: inconclusive
# At the largest count the two threads never counted at the same time.
f=$RUN/54_sweep_racy.csv
awk -F, -v OFS=, 'NR == FNR { if (FNR > 1 && $5 + 0 > big) big = $5 + 0; next }
    FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    $c["iterations"] == big {
        $c["lost"] = 0; $c["actual"] = $c["expected"]; $c["overlap_s"] = 0 } 1' "$f" "$f" >"$f.new" && mv "$f.new" "$f"
