#!/bin/sh
# report.sh RUN_DIR [PARTIAL] - the report page of one run, on stdout: the
# machine, the count of verdicts, a glossary, the three tables (the book's
# claims, their negative controls, conclab's own measurements), the charts
# that span items, then each item's section. Reads only what the run left in
# RUN_DIR (NN.verdicts, NN.md, NN.meta, cross.md, machine.txt) and the claims
# register (harness/claims/NN.md), so it can be re-run on any results folder.
set -eu
run=$1 partial=${2:-0}
harness=$(cd "$(dirname "$0")" && pwd)
register_dir=$harness/claims
# Every results folder sits two levels below results/: results/runs/TAG.
root=../../..

tag=$(basename "$run")
tag=${tag#.tmp-}
mode=$(sed -n 's/^mode: //p' "$run/machine.txt")
cores=$(sed -n 's/^cores_online: //p' "$run/machine.txt")

# The claim a register heading names: "### `53.cpu`: the words".
claim_text() { sed -n "s/^#\{2,4\} \`$1\`: //p" "$register_dir/${1%%.*}.md" 2>/dev/null | head -n 1; }
# The line of "# rule ID" in the item's judge, for a link straight to it.
rule_link() {
    item=${1%%.*}
    line=$(grep -n "^# rule $1\( \|:\|\$\)" "$harness/judge/$item.sh" 2>/dev/null | head -n 1 | cut -d: -f1)
    [ -n "$line" ] && printf '[rule](%s/harness/judge/%s.sh#L%s)' "$root" "$item" "$line"
}

verdict_files() { ls "$run"/[0-9][0-9].verdicts 2>/dev/null || true; }
# rows TABLE: the TSV lines of one table, over every item, in item order.
rows() { for f in $(verdict_files); do grep "^$1	" "$f" || true; done; }
count() { rows "$1" | awk -F'\t' -v v="$2" '$3 == v { n++ } END { print n + 0 }'; }

echo "# conclab results: $tag"
echo
echo "Made by \`make charts$([ "$mode" = quick ] && echo ' QUICK=1' || true)\` on $(sed -n 's/^date: //p' "$run/machine.txt")."
if [ "$partial" = 1 ]; then
    echo "Some items were measured in earlier runs into this folder: each section says when."
fi
echo "Every figure comes from a run on this machine; the raw data (CSV, hyperfine"
echo "JSON) and the charts sit beside this page."
echo
echo '```'
cat "$run/machine.txt"
echo '```'
echo
book_r=$(count book reproduced) book_n=$(count book "not reproduced") book_i=$(count book inconclusive)
neg_total=$(rows negative | grep -c . || true)
neg_n=$(count negative "not reproduced")
legacy=$(for f in $(verdict_files); do grep -c '^| ' "$f" || true; done | awk '{ n += $1 } END { print n + 0 }')
echo "Verdicts: $book_r reproduced, $book_n not reproduced, $book_i inconclusive (the book's claims); negative controls: $neg_n of $neg_total not reproduced, as they must be$([ "$legacy" -gt 0 ] && echo "; $legacy rows in the old format" || true)"
echo
cat "$harness/glossary.md"
echo
echo "## The book's claims"
echo
echo "Each claim is judged in the book's own setting; the register"
echo "([harness/claims/]($root/harness/claims/README.md)) says for each what is measured, the rule, its"
echo "control and its negative control. With $cores cores, CPU-bound work can at best"
echo "run ${cores}x faster; waiting (sleeping children, blocking I/O) is not bounded by the cores."
echo
echo "| claim | the book says | verdict | the figure that decides it | |"
echo "|---|---|---|---|---|"
rows book | while IFS='	' read -r table id verdict fig; do
    printf '| `%s` | %s | **%s** | %s | %s |\n' "$id" "$(claim_text "$id")" "$verdict" "$fig" "$(rule_link "$id")"
done
for f in $(verdict_files); do
    # Items whose script has not moved to harness/judge yet: one row per claim.
    grep '^| ' "$f" | sed 's/^| \([0-9][0-9]\) | \(.*\) |$/| `\1` | \2 | | |/' || true
done
echo
if [ "$neg_total" -gt 0 ]; then
    echo "## Negative controls: the same rules where the claim must fail"
    echo
    echo "Each runs the claim's own rule on a real run with one knob turned, so"
    echo "that the claim must not hold. *not reproduced* here shows that the rule"
    echo "can fail; *reproduced* would mean the rule cannot tell."
    echo
    echo "| control | the run | verdict | figure | |"
    echo "|---|---|---|---|---|"
    rows negative | while IFS='	' read -r table id verdict fig; do
        printf '| `%s` | %s | **%s** | %s | %s |\n' "$id" "$(claim_text "$id")" "$verdict" "$fig" "$(rule_link "$id")"
    done
    echo
fi
if [ -n "$(rows own)" ]; then
    echo "## conclab's own measurements"
    echo
    echo "Goals this project set itself, not claims of the book."
    echo
    echo "| measure | the goal | verdict | figure | |"
    echo "|---|---|---|---|---|"
    rows own | while IFS='	' read -r table id verdict fig; do
        printf '| `%s` | %s | **%s** | %s | %s |\n' "$id" "$(claim_text "$id")" "$verdict" "$fig" "$(rule_link "$id")"
    done
    echo
fi
if [ -s "$run/cross.md" ]; then
    cat "$run/cross.md"
    echo
fi
for section in "$run"/[0-9][0-9].md; do
    [ -e "$section" ] || continue
    item=$(basename "$section" .md)
    if [ -f "$harness/judge/$item.sh" ]; then
        cat "$section"
    else # written for the old layout, which linked two levels up, not three
        sed "s#](\.\./\.\./#]($root/#g" "$section"
    fi
    if [ "$partial" = 1 ] && [ -s "$run/$item.meta" ]; then
        echo
        echo "*Item $item was measured on $(sed -n 's/^date=//p' "$run/$item.meta"), revision $(sed -n 's/^revision=//p' "$run/$item.meta").*"
    fi
    echo
done
