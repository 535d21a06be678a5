#!/bin/sh
# check_flags.sh BIN_DIR - one name for one knob. Every program and bench
# answers --help and -h alike; a flag that several of them take has the same
# kind everywhere (a number, a list, a word); and the programs moved to the
# program/bench layout use --part, never the old names, to pick what runs.
set -u
bin=$1
status=0
table=$(mktemp)
trap 'rm -f "$table"' EXIT
for p in "$bin"/[0-9][0-9]_*; do
    [ -x "$p" ] || continue
    name=$(basename "$p")
    if ! help=$("$p" --help 2>&1) || [ "$help" != "$("$p" -h 2>&1)" ]; then
        echo "check_flags: $name: --help and -h differ or fail" >&2; status=1; continue
    fi
    # "  --flag KIND   text": KIND is N, X, WORD, N,N,... or nothing (a switch).
    printf '%s\n' "$help" | sed -n 's/^  \(-h, \)\{0,1\}--\([a-z0-9-]*\)\( [A-Z][A-Z,.]*\)\{0,1\} .*/\2 \3/p' |
        while read -r flag kind; do echo "$flag ${kind:-switch} $name"; done >>"$table"
    item=${name%%_*}
    if [ -f "harness/judge/$item.sh" ]; then
        for old in mode step variant method bench executor work; do
            if printf '%s\n' "$help" | grep -q "^  --$old "; then
                echo "check_flags: $name: --$old picks what runs; the one name for that is --part" >&2
                status=1
            fi
        done
    fi
done
awk '{ kinds[$1] = kinds[$1] " " $2 "(" $3 ")"; if (!($1 in first)) first[$1] = $2; else if (first[$1] != $2) bad[$1] = 1 }
     END { for (f in bad) { print "check_flags: --" f " has different kinds:" kinds[f] > "/dev/stderr"; rc = 1 } exit rc }' "$table" || status=1
[ $status -eq 0 ] && echo "flags: one kind per flag name over $(ls "$bin"/[0-9][0-9]_* | wc -l) programs"
exit $status
