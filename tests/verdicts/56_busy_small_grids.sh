# claim: serial time per generation grows as cells x latency
# expect: inconclusive
# A stall of the busy machine in the shortest generations: the smallest grid
# three times too slow, the larger ones as predicted.
f=$RUN/56_serial.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "serial" && $4 == 45 { $9 = $9 * 3 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
