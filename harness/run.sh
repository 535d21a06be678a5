#!/bin/sh
# run.sh BIN_DIR RESULTS_DIR - measure, judge, chart and report every item
# (or the items in $ITEM) into RESULTS_DIR/TAG, TAG naming the machine
# (<cores>cpu-<cpu>, "-quick" for QUICK=1 class-sized runs).
#
# Each item NN goes through four scripts, each with one job:
#   harness/measure/NN.sh  runs the item's bench, writes $RUN/NN_*.csv
#   harness/judge/NN.sh    reads them by column name, writes NN.verdicts, NN.figures
#   harness/plot/NN.sh     draws $RUN/NN_*.svg and .png
#   harness/report/NN.sh   writes the item's section of the report, NN.md
# Then harness/plot/cross.sh draws the charts that span items, and
# harness/report.sh writes the report page, $RUN/README.md.
#
# ITEM="55 56" measures only those items and keeps every other item's
# results from the last run into the same folder. Everything is built in
# RESULTS_DIR/.tmp-TAG and moved into place only when complete and with no
# item failed, so an interrupted or failed run leaves the last results whole.
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

all_items=$(cd "$HARNESS" && ls judge/[0-9][0-9].sh 2>/dev/null |
    sed 's#.*/##; s#\.sh$##' | sort -u | tr '\n' ' ')
items=${ITEM:-${ONLY:-}}
if [ -n "$items" ]; then
    items=$(echo "$items" | tr ',' ' ')
    for item in $items; do
        case " $all_items " in
            *" $item "*) ;;
            *) echo "run.sh: ITEM: no item '$item' (the items: $all_items)" >&2; exit 2 ;;
        esac
    done
else
    items=$all_items
fi

cores=$(getconf _NPROCESSORS_ONLN)
cpu=$("$BIN/machine" | sed -n 's/^cpu_model: //p')
cpu_slug=$(printf '%s' "$cpu" | tr 'A-Z' 'a-z' | sed 's/([^)]*)//g; s/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//' | cut -c1-40)
TAG="${cores}cpu-${cpu_slug}"
[ "$QUICK" = 1 ] && TAG="$TAG-quick"
RUN="$RESULTS/.tmp-$TAG"
FINAL="$RESULTS/$TAG"
PROGRESS_STAMP="$RUN/.progress"
export RUN PROGRESS_STAMP
ticker="" rendering=""
# end_job PID...: a background job of this script and the children it is
# waiting on (they ignore Ctrl-C as sh's background jobs do).
end_job() {
    for _pid in "$@"; do pkill -P "$_pid"; kill "$_pid"; done 2>/dev/null
    return 0
}
cleanup() {
    set +e # a trap must finish its work whatever fails on the way
    end_job $ticker $rendering
    rm -rf "$RUN"
}
trap cleanup EXIT
trap 'echo "interrupted: the last results are left as they were" >&2; exit 130' INT
trap 'echo "stopped (SIGTERM): the last results are left as they were" >&2; exit 143' TERM
trap 'exit 129' HUP
rm -rf "$RUN"
mkdir -p "$RUN"

# A partial run starts from the last complete one: its other items stay.
partial=0
if [ "$items" != "$all_items" ] && [ -d "$FINAL" ]; then
    cp -R "$FINAL"/. "$RUN"/
    partial=1
    for item in $items; do rm -f "$RUN/${item}"_* "$RUN/$item".*; done
fi

describe_run() {
    "$BIN/machine"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "mode: $([ "$QUICK" = 1 ] && echo quick || echo full)"
    echo "git_revision: $(git -C "$HARNESS" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "cflags: ${CONCLAB_CFLAGS:-see Makefile}"
    echo "gnuplot: $(gnuplot --version)"
    echo "hyperfine: $(hyperfine --version)"
    echo "miller: $(mlr --version)"
    echo "python3: $(python3 --version 2>/dev/null || echo not installed)"
    echo "pythons: $(pythons | cut -d' ' -f1 | paste -sd' ' -)"
}
describe_run >"$RUN/machine.txt"
kernel=$(sed -n 's/^kernel: //p' "$RUN/machine.txt" | cut -d' ' -f1,2)
compiler=$(sed -n 's/^compiler: //p' "$RUN/machine.txt")
quick_note=""
[ "$QUICK" = 1 ] && quick_note=", quick run"
CAPTION="$cores cores, $cpu, $kernel, $compiler, $(date -u +%F)$quick_note"
export CAPTION

# ---- Time left: each item's seconds in the last run into this folder (or
# the reference), else an even share of the usual total.
expected_s() { # expected_s ITEM
    for t in "$FINAL/timings.csv" "$HARNESS/../results/reference/$TAG/timings.csv"; do
        if [ -s "$t" ]; then
            s=$(csv_value "$t" seconds item="$1")
            [ -n "$s" ] && { echo "$s"; return; }
        fi
    done
    [ "$QUICK" = 1 ] && echo 8 || echo 35
}
left_after() { # left_after INDEX: expected seconds of the items after INDEX
    i=0 sum=0
    for it in $items; do
        i=$((i + 1))
        [ $i -gt "$1" ] && sum=$((sum + $(expected_s "$it" | cut -d. -f1)))
    done
    echo "$sum"
}
say_time() { [ "$1" -ge 60 ] && echo "$(($1 / 60)) min $(($1 % 60)) s" || echo "$1 s"; }

# The heartbeat: a line after 20 s without one, so a long, quiet measurement
# (item 64's rounds) never looks like a hang.
heartbeat() {
    while sleep 5; do
        [ -f "$RUN/.current" ] || continue
        now=$(date +%s)
        last=$(command stat -c %Y "$PROGRESS_STAMP" 2>/dev/null || echo "$now")
        [ $((now - last)) -ge 20 ] || continue
        read -r since what <"$RUN/.current" || continue
        progress "$what: still measuring ($((now - since)) s into it)" 2>&3
    done
}
: >"$PROGRESS_STAMP"
# (Its own stderr goes nowhere: the shell's "Terminated" when its sleep is
# ended at the stop; its lines go out on fd 3, the real stderr.)
heartbeat 3>&2 2>/dev/null &
ticker=$!

run_stage() { # run_stage ITEM STAGE: harness/STAGE/ITEM.sh, if the item has one
    [ -f "$HARNESS/$2/$1.sh" ] || return 0
    ITEM=$1 sh "$HARNESS/$2/$1.sh"
}

run_item() { # run_item ITEM: measure and judge; 0, or 1 if a script failed
    item=$1
    rm -f "$RUN/$item.verdicts" "$RUN/$item.figures"
    if measuring; then run_stage "$item" measure || return 1; fi
    run_stage "$item" judge || return 1
}
render_item() { # render_item ITEM: its charts and its section of the report
    # Run in the background, where sh would ignore Ctrl-C: env gives SIGINT
    # back its default, so a Ctrl-C ends these with the rest.
    env --default-signal=INT sh -c '
        [ ! -f "$HARNESS/plot/$1.sh" ] || ITEM=$1 sh "$HARNESS/plot/$1.sh" || exit 1
        ITEM=$1 sh "$HARNESS/report/$1.sh" >"$RUN/$1.md"' render "$1"
}
item_failed() { # item_failed ITEM: say so, in the log and in its section
    failed="$failed $1"
    progress "item $1 FAILED"
    printf '## Item %s\n\nThe experiment failed in this run; see the harness output.\n\n' \
        "$1" >"$RUN/$1.md"
}

total=$(echo $items | wc -w) index=0 failed=""
echo "item,seconds" >"$RUN/timings.new"
for item in $items; do
    index=$((index + 1))
    left=$(left_after $((index - 1)))
    progress "[$index/$total] item $item (about $(say_time "$left") left)"
    start=$(date +%s)
    echo "$start item $item" >"$RUN/.current"
    # A verdict the machine could not decide (a control fell short: someone
    # else was using the cores) earns the item one more measurement.
    for attempt in 1 2; do
        if ! ATTEMPT=$attempt run_item "$item"; then
            item_failed "$item"
            break
        fi
        grep -q 'inconclusive' "$RUN/$item.verdicts" 2>/dev/null || break
        [ "$attempt" = 1 ] && progress "item $item: a verdict was inconclusive (machine busy); measuring again"
    done
    echo "$item,$(($(date +%s) - start))" >>"$RUN/timings.new"
    printf '%s\n' "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
        "revision=$(git -C "$HARNESS" describe --always --dirty 2>/dev/null || echo unknown)" \
        >"$RUN/$item.meta"
done
rm -f "$RUN/.current"

# Charts and report sections once nothing is measured any more: two at a
# time (each is a few hundred short processes, seconds on a slow-forking VM).
queue=$(for item in $items; do case " $failed " in *" $item "*) ;; *) echo "$item" ;; esac; done)
while [ -n "$queue" ]; do
    set -- $queue
    first=$1 second=${2:-}
    shift
    [ $# -gt 0 ] && shift
    queue="$*"
    progress "charts and report: item $first${second:+ and item $second}"
    render_item "$first" &
    first_pid=$! second_pid=""
    [ -z "$second" ] || { render_item "$second" & second_pid=$!; }
    rendering="$first_pid $second_pid"
    wait "$first_pid" || item_failed "$first"
    [ -z "$second_pid" ] || wait "$second_pid" || item_failed "$second"
done
rendering=""
end_job $ticker
ticker=""

# Timings: this run's items, the others' from the run they came from.
if [ -s "$RUN/timings.csv" ]; then
    for item in $all_items; do
        grep -q "^$item," "$RUN/timings.new" || grep "^$item," "$RUN/timings.csv" >>"$RUN/timings.new" || true
    done
fi
{ head -n 1 "$RUN/timings.new"; tail -n +2 "$RUN/timings.new" | sort; } >"$RUN/timings.csv"
rm -f "$RUN/timings.new" "$PROGRESS_STAMP"
PROGRESS_STAMP=""

[ -f "$HARNESS/plot/cross.sh" ] && sh "$HARNESS/plot/cross.sh" || true
sh "$HARNESS/report.sh" "$RUN" "$partial" >"$RUN/README.md"

if [ -n "$failed" ]; then
    # A run with a failed item never replaces a complete one: it is kept
    # beside it, for a look at what went wrong.
    rm -rf "$FINAL.failed"
    mv "$RUN" "$FINAL.failed"
    progress "failed items:$failed; this run is in $FINAL.failed, the last results are untouched"
    exit 1
fi
rm -rf "$FINAL.old"
[ -d "$FINAL" ] && mv "$FINAL" "$FINAL.old"
mv "$RUN" "$FINAL"
rm -rf "$FINAL.old"
progress "$(sed -n 's/^Verdicts: //p' "$FINAL/README.md" | head -n 1)"
progress "report: $FINAL/README.md"
