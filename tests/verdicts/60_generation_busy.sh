# claim: a generation takes about one latency whatever the number of cells
# expect: inconclusive
# Every generation, even the 45-cell one, took three times the latency: the
# machine did not wake the timers on time, so cells cannot be judged.
f=$RUN/60_headline.csv
awk -F, -v OFS=, 'NR > 1 && $1 == "coroutines" { $9 = $9 * 3 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
