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
# table TABLE HEADINGS: one of the three tables, a row per verdict line.
table() {
    echo "| $2 | |"
    echo "|---|---|---|---|---|"
    rows "$1" | while IFS='	' read -r _ id verdict fig; do
        printf '| `%s` | %s | **%s** | %s | %s |\n' "$id" "$(claim_text "$id")" "$verdict" "$fig" \
            "$(rule_link "$id")"
    done
    echo
}
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
echo "Verdicts: $book_r reproduced, $book_n not reproduced, $book_i inconclusive (the book's claims); negative controls: $neg_n of $neg_total not reproduced, as they must be"
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
table book "claim | the book says | verdict | the figure that decides it"
if [ "$neg_total" -gt 0 ]; then
    echo "## Negative controls: the same rules where the claim must fail"
    echo
    echo "Each runs the claim's own rule on a real run with one knob turned, so"
    echo "that the claim must not hold. *not reproduced* here shows that the rule"
    echo "can fail; *reproduced* would mean the rule cannot tell."
    echo
    table negative "control | the run | verdict | figure"
fi
if [ -n "$(rows own)" ]; then
    echo "## conclab's own measurements"
    echo
    echo "Goals this project set itself, not claims of the book."
    echo
    table own "measure | the goal | verdict | figure"
fi
if [ -s "$run/cross.md" ]; then
    cat "$run/cross.md"
    echo
fi
for section in "$run"/[0-9][0-9].md; do
    [ -e "$section" ] || continue
    item=$(basename "$section" .md)
    cat "$section"
    if [ "$partial" = 1 ] && [ -s "$run/$item.meta" ]; then
        echo
        echo "*Item $item was measured on $(sed -n 's/^date=//p' "$run/$item.meta"), revision $(sed -n 's/^revision=//p' "$run/$item.meta").*"
    fi
    echo
done
