#!/bin/sh
# labs.sh BIN_DIR - run every lab of every item README, as a student would.
#
# A lab is a "### Lab N: title (about S s)" heading under "## Labs"; each
# fenced ```sh block below it is run whole as one shell script (so a lab
# may start a server with & and stop it), with build/bin/ meaning BIN_DIR,
# in a fresh TMPDIR, within 60 s. It must exit 0 (or the N of a final
# "# exit N" comment), print no "!!!", and leave its TMPDIR empty. What the
# README says the student will see is checked by the item's Criterion tests
# (tests/test_NN_*.c, the tests named labNN_*).
set -u
bin=$(cd "$1" && pwd)
ran=0 failed=0
for readme in items/[0-9][0-9]_*/README.md; do
    item=$(basename "$(dirname "$readme")")
    blocks=$(mktemp -d)
    # Split the Labs section into one file per sh block: NN-lab-M-K.sh.
    awk -v dir="$blocks" '
        /^## / { in_labs = ($0 ~ /^## Labs/) }
        in_labs && /^### Lab/ { lab = $3; sub(":", "", lab); k = 0 }
        in_labs && lab != "" && /^```sh/ { block = sprintf("%s/lab-%s-%d.sh", dir, lab, ++k); next }
        block != "" && /^```/ { close(block); block = ""; next }
        block != "" { print > block }
    ' "$readme"
    for block in "$blocks"/lab-*.sh; do
        [ -e "$block" ] || continue
        name="$item $(basename "$block" .sh)"
        want=$(sed -n 's/.*# exit \([0-9][0-9]*\)[[:space:]]*$/\1/p' "$block" | tail -n 1)
        tmp=$(mktemp -d)
        log=$(mktemp)
        sed "s#build/bin/#$bin/#g" "$block" >"$block.run"
        TMPDIR=$tmp timeout 60 sh "$block.run" </dev/null >"$log" 2>&1
        rc=$?
        ran=$((ran + 1))
        why=""
        [ "$rc" = "${want:-0}" ] || why="exit $rc, not ${want:-0}"
        grep -q '^!!!' "$log" && why="$why; printed !!!"
        [ -z "$(ls -A "$tmp")" ] || why="$why; left files in TMPDIR"
        if [ -n "$why" ]; then
            failed=$((failed + 1))
            echo "labs: FAILED: $name: ${why#; }" >&2
            sed 's/^/    /' "$block" >&2
            tail -n 15 "$log" | sed 's/^/  | /' >&2
        fi
        rm -rf "$tmp" "$log"
    done
    rm -rf "$blocks"
done
echo "labs: $ran lab commands ran, $failed failed"
[ "$failed" -eq 0 ]
