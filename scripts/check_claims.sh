#!/bin/sh
# check_claims.sh RUN_DIR - the claims register and the judges agree:
#   - every verdict a judge printed names a claim of harness/claims/NN.md
#     and a "# rule ID" line in harness/judge/NN.sh;
#   - every claim of the register was judged in this run;
#   - every book claim has at least one negative control (ID.neg...), and
#     no negative control came out "reproduced" (its rule could not tell).
set -u
run=$1
status=0
bad() { echo "check_claims: $*" >&2; status=1; }

for judge in harness/judge/[0-9][0-9].sh; do
    [ -e "$judge" ] || continue
    item=$(basename "$judge" .sh)
    register=harness/claims/$item.md
    verdicts=$run/$item.verdicts
    [ -f "$register" ] || { bad "item $item has a judge but no register, $register"; continue; }
    [ -s "$verdicts" ] || { bad "item $item: no verdicts in $verdicts"; continue; }
    while IFS='	' read -r table id verdict figure; do
        case $table in book|negative|own) ;; *) bad "$item: line with table '$table'"; continue ;; esac
        case $verdict in reproduced|"not reproduced"|inconclusive) ;; *) bad "$id: verdict '$verdict'" ;; esac
        [ -n "$figure" ] || bad "$id: no figure"
        grep -q "^#\{2,4\} \`$id\`: " "$register" || bad "$id: no heading '### \`$id\`: ...' in $register"
        grep -q "^# rule $id\( \|:\|\$\)" "$judge" || bad "$id: no '# rule $id' line in $judge"
        case $table in
            book)
                grep -q "^negative	$id\.neg" "$verdicts" || bad "$id: no negative control ($id.neg...) judged" ;;
            negative)
                [ "$verdict" = reproduced ] && bad "$id: a negative control came out reproduced: the rule cannot tell ($figure)" ;;
        esac
    done <"$verdicts"
    for id in $(sed -n 's/^#\{2,4\} `\([^`]*\)`: .*/\1/p' "$register"); do
        grep -q "^[a-z]*	$id	" "$verdicts" || bad "$id: in $register but not judged in this run"
    done
done
exit $status
