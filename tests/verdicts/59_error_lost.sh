# claim: errors come back to the caller
# expect: not reproduced
f=$RUN/59_checks.csv
sed 's/^error_comes_back,1$/error_comes_back,0/' "$f" >"$f.new" && mv "$f.new" "$f"
