#!/bin/sh
# smoke.sh BIN_DIR - the harness end to end at class size, into a scratch
# folder: every item's section, chart and verdicts must come out, every
# verdict case must give the verdict it names, and an interrupted run must
# leave the last results whole.
set -u
bin=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! QUICK=1 timeout 900 sh harness/run.sh "$bin" "$out"; then
    echo "smoke: the harness run failed" >&2
    exit 1
fi
run=$(find "$out" -mindepth 1 -maxdepth 1 -type d -name '*-quick' | head -n 1)
report="$run/README.md"
status=0
check_file() { [ -s "$1" ] || { echo "smoke: missing or empty $1" >&2; status=1; }; }
check_file "$report"
check_file "$run/machine.txt"
items=$(ls harness/judge/[0-9][0-9].sh 2>/dev/null | sed 's#.*/##; s#\.sh$##' | sort -u)
for item in $items; do
    grep -q "^## Item $item" "$report" || { echo "smoke: no section for item $item" >&2; status=1; }
    grep -q "^| \`$item[.\`].* | \*\{0,2\}\(reproduced\|not reproduced\|inconclusive\)" "$report" \
        || { echo "smoke: no verdict row for item $item" >&2; status=1; }
    found=0
    for chart in "$run/${item}"_*.png; do
        [ -e "$chart" ] || continue
        found=1
        check_file "$chart"
        check_file "${chart%.png}.svg"
    done
    [ "$found" = 1 ] || { echo "smoke: no chart for item $item" >&2; status=1; }
done
grep -q "failed in this run" "$report" && { echo "smoke: an experiment failed" >&2; status=1; }
sh scripts/check_claims.sh "$run" || status=1

# Every verdict can fail: each tests/verdicts/NN_case.sh on this run's data.
sh scripts/verdict_cases.sh "$run" "$bin" || status=1

# Interrupt a second run part-way, with SIGTERM to its whole process group
# (a background job ignores SIGINT, so Ctrl-C itself cannot be sent here):
# the first run's report must be untouched and no half-made folder left.
before=$(cksum <"$report")
QUICK=1 setsid sh harness/run.sh "$bin" "$out" >/dev/null 2>&1 &
pid=$!
sleep 2
kill -TERM "-$pid"
wait "$pid"
if [ "$(cksum <"$report")" != "$before" ] || ls -d "$out"/.tmp-* >/dev/null 2>&1; then
    echo "smoke: an interrupted run damaged the previous results" >&2
    status=1
fi
exit $status
