# claim: serial time per generation grows as cells x latency
# expect: inconclusive
# The machine wakes every sleeper late: a lone call and every generation
# twice as long as asked.
f=$RUN/56_serial.csv
awk -F, -v OFS=, 'NR > 1 { $9 = $9 * 2 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
