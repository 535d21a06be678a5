# claim: (the C model) a GIL does not make load-add-store atomic
# expect: not reproduced
# The GIL switched threads mid-run, and gil_racy still came out exact.
f=$RUN/54_methods.csv
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    $c["method"] == "gil_racy" && $c["threads"] > 1 {
        $c["actual"] = $c["expected"]; $c["lost"] = 0; $c["gil_forced_drops"] = 5 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
