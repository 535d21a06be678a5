# claim: the executor costs no more per task than GLib's GThreadPool
# expect: inconclusive
# GThreadPool's first round made ten times slower (and the executor's with
# it): a neighbour took the CPUs for a round, so the run cannot judge.
f=$RUN/59_overhead.csv
awk -F, -v OFS=, 'NR > 1 && $5 == 0 { $6 = $6 * 10 } 1' "$f" >"$f.new" && mv "$f.new" "$f"
