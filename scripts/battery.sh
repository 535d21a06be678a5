#!/bin/sh
# battery.sh BIN_DIR [SIGNAL_RUNS] - the adversarial battery behind `make
# battery` (not part of `make test`: it takes several minutes).
#
# 1. Bad arguments: every flag of every program and bench (read from its
#    --help), given every kind of bad value for its kind, plus an unknown
#    flag, a missing value and a stray word. Each must end within 10 s with
#    exit 2 and exactly one line on stderr that starts with the program's
#    name. A value taken as good is listed, not counted as a failure: read it.
# 2. Signals: SIGNAL_RUNS runs (default 100), each of a random program or
#    bench at its defaults, given SIGINT, SIGTERM or SIGHUP at a random
#    moment between 0.05 and 1.5 s. Each must end with 128 + signal (or 0 if
#    it finished first) within 0.5 s, print no "!!!", and leave nothing
#    running in its session and nothing in its own TMPDIR.
# Prints a line per failure and the counts; exit 1 if any failed.
set -u
bin=$1
signal_runs=${2:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0 good_args=0 taken=0 sig_ok=0 sig_bad=0 sig_finished=0

# try NAME ARGS...: one bad-argument run.
try() {
    name=$1; shift
    timeout -s KILL 10 "$bin/$name" "$@" >"$work/out" 2>"$work/err" </dev/null
    rc=$?
    lines=$(wc -l <"$work/err")
    if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q "^$name" "$work/err"; then
        good_args=$((good_args + 1))
    elif [ $rc -eq 0 ] || [ $rc -eq 1 ]; then
        taken=$((taken + 1)); printf 'taken   %s %s (exit %d)\n' "$name" "$*" $rc
    else
        bad=$((bad + 1))
        printf 'FAILED  %s %s: exit %d, %d stderr lines: %s\n' "$name" "$*" $rc "$lines" \
            "$(head -c 200 "$work/err" | tr '\n' '|')"
    fi
}

nl='
'
for p in "$bin"/[0-9][0-9]_*; do
    [ -x "$p" ] || continue
    name=$(basename "$p")
    try "$name" --no-such-flag
    try "$name" stray-word
    "$p" --help | sed -n 's/^  \(-h, \)\{0,1\}--\([a-z0-9-]*\)\( [A-Z][A-Z,.]*\)\{0,1\} .*/\2 \3/p' >"$work/flags"
    while read -r flag kind; do
        case "$kind" in
        N) values="abc 5x 1.5 -99999999 99999999999999999999 0x10" ;;
        X) values="abc 5x nan inf -inf 1e999 -99999999 1e12" ;;
        N,N,...) values=", 1,,2 a,b 1,x -99999999 99999999999999999999 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65" ;;
        WORD) values="no-such-choice ALL" ;;
        *) try "$name" "--$flag=1"; continue ;;
        esac
        try "$name" "--$flag"              # the value missing
        try "$name" "--$flag" ""
        try "$name" "--$flag" "1${nl}2"    # one line, even so
        for v in $values; do try "$name" "--$flag" "$v"; done
    done <"$work/flags"
done

# signal_run NAME SIG AFTER: one run at defaults, stopped by SIG after AFTER s.
signal_run() {
    name=$1 sig=$2 after=$3
    case $sig in INT) num=2 ;; TERM) num=15 ;; HUP) num=1 ;; esac
    tmp=$(mktemp -d "$work/tmp.XXXXXX")
    TMPDIR=$tmp setsid env --default-signal=INT "$bin/$name" >"$work/out" 2>&1 </dev/null &
    pid=$!
    sleep "$after"
    start=$(date +%s%N)
    kill "-$sig" "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.01; i=$((i + 1)); done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"; rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    sleep 0.1
    left=$(ps -eo pid=,sid= | awk -v s="$pid" '$2 == s { print $1 }')
    [ -n "$left" ] && kill -KILL $left 2>/dev/null
    files=$(find "$tmp" -mindepth 1 | wc -l)
    rm -rf "$tmp"
    if [ $rc -eq 0 ] && [ -z "$left" ] && [ "$files" -eq 0 ] && ! grep -q '!!!' "$work/out"; then
        sig_finished=$((sig_finished + 1))
    elif [ $rc -eq $((128 + num)) ] && [ "$ms" -le 500 ] && [ -z "$left" ] &&
        [ "$files" -eq 0 ] && ! grep -q '!!!' "$work/out"; then
        sig_ok=$((sig_ok + 1))
    else
        sig_bad=$((sig_bad + 1))
        printf 'FAILED  %s SIG%s after %s s: exit %d in %d ms, %d left running, %d files left%s\n' \
            "$name" "$sig" "$after" $rc "$ms" "$(printf '%s' "$left" | grep -c .)" "$files" \
            "$(grep -q '!!!' "$work/out" && echo ', printed !!!')"
    fi
}

ls "$bin" | grep '^[0-9][0-9]_' >"$work/names"
count=$(wc -l <"$work/names")
run=0
while [ $run -lt "$signal_runs" ]; do
    pick=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
    name=$(sed -n "$((pick % count + 1))p" "$work/names")
    sig=$(echo "INT TERM HUP" | cut -d' ' -f$((pick / count % 3 + 1)))
    after=$(awk -v r="$pick" 'BEGIN { printf "%.2f", 0.05 + (r % 1451) / 1000 }')
    signal_run "$name" "$sig" "$after"
    run=$((run + 1))
done

echo "battery: bad arguments: $good_args refused cleanly, $bad failed, $taken taken as good"
echo "battery: signals: $sig_ok clean stops, $sig_finished finished first, $sig_bad failed"
[ $bad -eq 0 ] && [ $sig_bad -eq 0 ]
