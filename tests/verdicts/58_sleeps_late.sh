# claim: a generation takes cells / workers x latency
# expect: inconclusive
# One worker took five times the latency per cell: the machine did not wake
# the sleepers on time, so nothing can be said about scaling.
f=$RUN/58_workers.csv
awk -F, -v OFS=, 'NR > 1 && $6 == 1 { $9 = $9 * 5 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
