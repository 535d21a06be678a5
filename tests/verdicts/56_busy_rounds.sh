# claim: serial time per generation grows as cells x latency
# expect: inconclusive
# A neighbour that loads the machine for part of the run: the largest grid
# four times too slow in just over half the rounds (so its median too), on
# time in the others; the lone calls as asked. The rounds disagree.
f=$RUN/56_serial.csv
rounds=$(awk -F, 'NR > 1 && $8 + 1 > n { n = $8 + 1 } END { print n }' "$f")
largest=$(awk -F, 'NR > 1 && $1 == "serial" && $4 + 0 > m { m = $4 + 0 } END { print m }' "$f")
awk -F, -v OFS=, -v n="$rounds" -v c="$largest" \
    'NR > 1 && $1 == "serial" && $4 == c && $8 < (n + 1) / 2 { $9 = $9 * 4 } 1' "$f" >"$f.new" &&
    mv "$f.new" "$f"
