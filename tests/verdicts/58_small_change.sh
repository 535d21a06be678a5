# claim: the move from item 56 needs a large refactoring
# expect: not reproduced
f=$RUN/58_checks.csv
sed 's/^lines_added,.*/lines_added,2/; s/^lines_deleted,.*/lines_deleted,1/' "$f" >"$f.new" && mv "$f.new" "$f"
