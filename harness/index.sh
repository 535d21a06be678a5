#!/bin/sh
# index.sh RESULTS - the committed report page, RESULTS/README.md: the full
# reference run's report (links made to point into its folder), and the
# list of every reference kept.
set -eu
results=$1
ref=$results/reference
main=""
for dir in "$ref"/*/; do
    dir=${dir%/}
    case $dir in *-quick|*.failed) continue ;; esac
    [ -s "$dir/README.md" ] && { main=$dir; break; }
done
[ -n "$main" ] || { echo "index.sh: no full reference run in $ref" >&2; exit 2; }
tag=$(basename "$main")
{
    echo "<!-- Written by make reference (harness/index.sh): the committed reference. -->"
    echo "<!-- A run of yours goes to results/runs/ and never here; make compare sets them side by side. -->"
    # The report's own links are relative to its folder, results/reference/TAG/.
    sed -E -e "s#\]\(\.\./\.\./\.\./#](../#g" -e "s#\]\(([^)/:]+)\)#](reference/${tag}/\1)#g" "$main/README.md"
    echo "## Every reference kept here"
    echo
    for dir in "$ref"/*/; do
        name=$(basename "$dir")
        echo "- [$name](reference/$name/README.md): $(sed -n 's/^date: //p' "$dir/machine.txt" 2>/dev/null), $(sed -n 's/^mode: //p' "$dir/machine.txt" 2>/dev/null) run"
    done
} >"$results/.README.md.new"
mv "$results/.README.md.new" "$results/README.md"
