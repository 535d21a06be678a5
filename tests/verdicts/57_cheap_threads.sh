# claim: threads cost start-up time and a stack each
# expect: not reproduced
# As if starting and joining a thread cost no more than a function call.
f=$RUN/57_cost.csv
awk -F, -v OFS=, 'NR == 1 { print; next } $1 == "call" { c[$2, $3] = $5 } { row[NR] = $0 }
    END { for (i = 2; i <= NR; i++) { split(row[i], v, ","); if (v[1] == "thread") v[5] = c[v[2], v[3]];
          print v[1], v[2], v[3], v[4], v[5] } }' "$f" >"$f.new" && mv "$f.new" "$f"
