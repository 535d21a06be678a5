# claim: a worker's error comes back and is raised again
# expect: not reproduced
f=$RUN/58_checks.csv
sed 's/^error_comes_back,1$/error_comes_back,0/' "$f" >"$f.new" && mv "$f.new" "$f"
