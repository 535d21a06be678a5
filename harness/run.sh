#!/bin/sh
# run.sh BIN_DIR RESULTS_DIR - run every item's experiments, keep the raw data,
# draw the charts and write the report page. QUICK=1 for a class-sized run;
# ONLY="55 56" runs just those items (a developer's loop; the report then
# holds only them).
#
# Everything goes to RESULTS_DIR/.tmp-TAG first and replaces RESULTS_DIR/TAG
# only once complete, so an interrupted run leaves the previous results whole.
set -eu

[ $# -eq 2 ] || { echo "usage: run.sh BIN_DIR RESULTS_DIR" >&2; exit 2; }
BIN=$(cd "$1" && pwd)
mkdir -p "$2"
RESULTS=$(cd "$2" && pwd)
HARNESS=$(cd "$(dirname "$0")" && pwd)
QUICK=${QUICK:-0}
[ -n "$QUICK" ] || QUICK=0
HARNESS_START=$(date +%s)
export BIN HARNESS QUICK HARNESS_START
. "$HARNESS/lib.sh"

cores=$(getconf _NPROCESSORS_ONLN)
cpu=$("$BIN/machine" | sed -n 's/^cpu_model: //p')
cpu_slug=$(printf '%s' "$cpu" | tr 'A-Z' 'a-z' | sed 's/([^)]*)//g; s/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//' | cut -c1-40)
TAG="${cores}cpu-${cpu_slug}"
[ "$QUICK" = 1 ] && TAG="$TAG-quick"
RUN="$RESULTS/.tmp-$TAG"
rm -rf "$RUN"
mkdir -p "$RUN"
trap 'rm -rf "$RUN"' EXIT
trap 'echo "interrupted: previous results left as they were" >&2; exit 130' INT TERM
export RUN

describe_run() {
    "$BIN/machine"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "mode: $([ "$QUICK" = 1 ] && echo quick || echo full)"
    echo "git_revision: $(git -C "$HARNESS" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "cflags: ${CONCLAB_CFLAGS:-see Makefile}"
    echo "gnuplot: $(gnuplot --version)"
    echo "hyperfine: $(hyperfine --version)"
    echo "python3: $(python3 --version 2>/dev/null || echo not installed)"
}
describe_run >"$RUN/machine.txt"
kernel=$(sed -n 's/^kernel: //p' "$RUN/machine.txt" | cut -d' ' -f1,2)
compiler=$(sed -n 's/^compiler: //p' "$RUN/machine.txt")
quick_note=""
[ "$QUICK" = 1 ] && quick_note=", quick run"
CAPTION="$cores cores, $cpu, $kernel, $compiler, $(date -u +%F)$quick_note"
export CAPTION

set -- "$HARNESS"/exp/[0-9][0-9].sh
if [ -n "${ONLY:-}" ]; then
    set --
    for item in $ONLY; do set -- "$@" "$HARNESS/exp/$item.sh"; done
fi
total=$# index=0 failed=""
for script in "$@"; do
    index=$((index + 1))
    item=$(basename "$script" .sh)
    progress "[$index/$total] item $item"
    # A verdict the machine could not decide (a control fell short: someone
    # else was using the cores) earns the experiment one more try.
    for attempt in 1 2; do
        if ! ATTEMPT=$attempt sh "$script"; then
            failed="$failed $item"
            progress "item $item FAILED"
            printf '## Item %s\n\nThe experiment script failed in this run; see the harness output.\n\n' \
                "$item" >"$RUN/$item.md"
            break
        fi
        grep -q '| inconclusive' "$RUN/$item.verdicts" 2>/dev/null || break
        [ "$attempt" = 1 ] && progress "item $item: a verdict was inconclusive (machine busy); measuring again"
    done
done

write_report() {
    echo "# conclab results: $TAG"
    echo
    echo "Made by \`make charts$([ "$QUICK" = 1 ] && echo ' QUICK=1' || true)\` on $(sed -n 's/^date: //p' "$RUN/machine.txt")."
    echo "Every figure below comes from this run; the raw data (CSV, hyperfine JSON)"
    echo "and the charts sit beside this page. The machine:"
    echo
    echo '```'
    cat "$RUN/machine.txt"
    echo '```'
    echo
    echo "With $cores cores the best possible speedup is ${cores}x. Compared runs are"
    echo "interleaved in rounds; a figure is the median over the rounds, with the"
    echo "smallest and largest round beside it. A verdict is *inconclusive* when a"
    echo "control showed the machine could not decide the claim (another job held"
    echo "the cores); the harness then measures that item once more."
    echo
    echo "| item | claim | verdict |"
    echo "|---|---|---|"
    cat "$RUN"/[0-9][0-9].verdicts 2>/dev/null || true
    echo
    for section in "$RUN"/[0-9][0-9].md; do
        cat "$section"
        echo
    done
}
write_report >"$RUN/README.md"

rm -rf "$RESULTS/$TAG.old"
[ -d "$RESULTS/$TAG" ] && mv "$RESULTS/$TAG" "$RESULTS/$TAG.old"
mv "$RUN" "$RESULTS/$TAG"
rm -rf "$RESULTS/$TAG.old"
trap 'rm -f "$RESULTS/.README.md.new"' EXIT

# The report page: this run's report, its links pointing into its folder,
# and the other runs kept here listed at the end.
{
    sed -E -e "s#\]\(([^)/:]+)\)#](${TAG}/\1)#g" -e "s#\]\(\.\./\.\./#](../#g" \
        "$RESULTS/$TAG/README.md"
    echo "## Other runs kept here"
    echo
    for dir in "$RESULTS"/*/; do
        name=$(basename "$dir")
        [ "$name" = "$TAG" ] && continue
        echo "- [$name]($name/README.md): $(sed -n 's/^date: //p' "$dir/machine.txt" 2>/dev/null)"
    done
} >"$RESULTS/.README.md.new"
# Written aside and renamed: an interrupt here leaves the old page whole.
mv "$RESULTS/.README.md.new" "$RESULTS/README.md"

progress "report: $RESULTS/README.md (data and charts in $RESULTS/$TAG/)"
if [ -n "$failed" ]; then
    progress "failed items:$failed"
    exit 1
fi
