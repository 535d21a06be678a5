#!/bin/sh
# compare.sh BIN_DIR RESULTS_DIR REFERENCE_DIR - your last run beside the
# committed reference, claim by claim: each verdict and the figure that
# decides it, side by side, and which verdicts differ. Written to stdout and
# to RESULTS_DIR/TAG/compare.md. QUICK=1 compares your last quick run (with
# the quick reference where there is one).
set -eu
bin=$1 results=$2 reference=$3
harness=$(cd "$(dirname "$0")" && pwd)
cores=$(getconf _NPROCESSORS_ONLN)
cpu=$("$bin/machine" | sed -n 's/^cpu_model: //p')
slug=$(printf '%s' "$cpu" | tr 'A-Z' 'a-z' | sed 's/([^)]*)//g; s/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//' | cut -c1-40)
suffix=""
[ "${QUICK:-0}" = 1 ] && suffix=-quick
mine="$results/${cores}cpu-$slug$suffix"
if [ ! -s "$mine/README.md" ]; then
    echo "compare: no run of yours in $mine yet: make charts${suffix:+ QUICK=1} first" >&2
    exit 2
fi
# The reference of the same machine and mode if there is one; else the same
# mode on the development machine; else the full one.
ref=""
for candidate in "$reference/${cores}cpu-$slug$suffix" "$reference"/*"$suffix"; do
    for dir in $candidate; do
        [ -s "$dir/README.md" ] || continue
        case $dir in *-quick) [ -n "$suffix" ] || continue ;; esac
        ref=$dir
        break 2
    done
done
[ -n "$ref" ] || { echo "compare: no reference in $reference" >&2; exit 2; }

claim_text() { sed -n "s/^#\{2,4\} \`$1\`: //p" "$harness/claims/${1%%.*}.md" 2>/dev/null | head -n 1; }
lines_of() { cat "$1"/[0-9][0-9].verdicts 2>/dev/null | grep '	' || true; }
field() { # field DIR ID N: field N (3 verdict, 4 figure) of ID's line in DIR
    lines_of "$1" | awk -F'\t' -v id="$2" -v n="$3" '$2 == id { print $n; exit }'
}

{
    echo "# Your run beside the reference"
    echo
    echo "- yours: \`${mine#"$PWD"/}\` ($(sed -n 's/^date: //p' "$mine/machine.txt"); $(sed -n 's/^cpu_model: //p' "$mine/machine.txt"), $(sed -n 's/^cores_online: //p' "$mine/machine.txt") cores)"
    echo "- reference: \`${ref#"$PWD"/}\` ($(sed -n 's/^date: //p' "$ref/machine.txt"); $(sed -n 's/^cpu_model: //p' "$ref/machine.txt"), $(sed -n 's/^cores_online: //p' "$ref/machine.txt") cores, revision $(sed -n 's/^git_revision: //p' "$ref/machine.txt"))"
    echo
    echo "| claim | the book says | yours | reference | |"
    echo "|---|---|---|---|---|"
    same=0 differ=0
    ids=$( { lines_of "$mine"; lines_of "$ref"; } | awk -F'\t' '{ print $1 "\t" $2 }' | awk '!seen[$0]++' )
    tab=$(printf '\t')
    printf '%s\n' "$ids" | while IFS="$tab" read -r table id; do
        [ -n "$id" ] || continue
        a=$(field "$mine" "$id" 3) b=$(field "$ref" "$id" 3)
        fa=$(field "$mine" "$id" 4) fb=$(field "$ref" "$id" 4)
        mark=""
        [ "$a" = "$b" ] || mark="**differs**"
        [ "$table" = negative ] && id="$id (negative control)"
        [ "$table" = own ] && id="$id (conclab's own)"
        printf '| `%s` | %s | %s: %s | %s: %s | %s |\n' "$id" "$(claim_text "${id%% *}")" \
            "${a:-not run}" "$fa" "${b:-not run}" "$fb" "$mark"
    done
    echo
    differ=$(printf '%s\n' "$ids" | while IFS="$tab" read -r table id; do
        [ -n "$id" ] || continue
        [ "$(field "$mine" "$id" 3)" = "$(field "$ref" "$id" 3)" ] || echo x
    done | grep -c x || true)
    echo "$differ of $(printf '%s\n' "$ids" | grep -c .) verdicts differ from the reference."
    echo "A verdict that differs is a finding, not an error: say which control or"
    echo "figure moved (a busier machine, more cores, another CPython)."
} >"$mine/compare.md"
cat "$mine/compare.md"
