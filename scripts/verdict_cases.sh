#!/bin/sh
# verdict_cases.sh RUN_DIR BIN_DIR [ITEM...] - every verdict can fail. Each
# tests/verdicts/NN_case.sh doctors a copy of a run's data (RUN is that
# copy) and names, in two header lines, a claim of item NN and the verdict
# the item's judge must then give on that data:
#   # claim: 53.cpu          (the claim's id in harness/claims/53.md)
#   # expect: not reproduced | inconclusive | reproduced
# With ITEM arguments, only those items' cases run.
set -u
run=$1 bin=$(cd "$2" && pwd)
shift 2
status=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for case in tests/verdicts/[0-9][0-9]_*.sh; do
    [ -e "$case" ] || continue
    name=$(basename "$case" .sh) item=${name%%_*}
    if [ $# -gt 0 ]; then
        case " $* " in *" $item "*) ;; *) continue ;; esac
    fi
    claim=$(sed -n 's/^# claim: //p' "$case")
    expect=$(sed -n 's/^# expect: //p' "$case")
    work=$(mktemp -d "$scratch/verdict-XXXXXX")
    cp -R "$run"/. "$work"/
    rm -f "$work/$item.verdicts" "$work/$item.figures"
    if ! RUN=$work sh "$case" ||
       ! RUN=$work ITEM=$item JUDGE_ONLY=1 QUICK=1 BIN=$bin HARNESS=$(pwd)/harness \
            CAPTION=doctored sh "harness/judge/$item.sh" >/dev/null 2>"$work/judge.err"; then
        echo "verdict case $name did not run: $(tail -n 3 "$work/judge.err" 2>/dev/null)" >&2; status=1; continue
    fi
    got=$(awk -F'\t' -v id="$claim" '$2 == id { print $3; exit }' "$work/$item.verdicts")
    if [ "$got" = "$expect" ]; then
        echo "verdict case $name: $got, as expected"
    else
        echo "verdict case $name: expected '$expect', got '${got:-no row}'" >&2
        status=1
    fi
done
exit $status
