# claim: tens of thousands of coroutines run at once where threads cannot
# expect: not reproduced
# The coroutines never got past 10,000 cells at once.
f=$RUN/60_headline.csv
awk -F, 'NR == 1 || !($1 == "coroutines" && $4 > 10000)' "$f" >"$f.new" && mv "$f.new" "$f"
