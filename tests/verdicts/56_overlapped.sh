# claim: serial time per generation grows as cells x latency
# expect: not reproduced
# As if the cells' waits had overlapped: every generation ten times shorter
# than its cells' latencies added up, which no serial run can do.
f=$RUN/56_serial.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "serial" { $9 = $9 / 10 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
