# claim: a child past its deadline is stopped and reaped
# expect: not reproduced
# The timeout part left its child unreaped.
f=$RUN/52_parts.csv
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    $1 == "timeout" { $c["children_left"] = 1 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
