#!/bin/sh
# measure/62.sh - Item 62: every step of the move to the loop in the book's
# setting, beside the negative control `inline` (the old tail called from a
# coroutine without run_in_executor); a flood of lines for the hand-offs,
# unpinned and pinned; a failing write through both thread-to-loop bridges;
# and CPython's bridges on every interpreter found (3.5.1 and later).
set -eu
. "$HARNESS/lib.sh"

bench=$BIN/62_mixing-bench
if [ "$QUICK" = 1 ]; then
    # a fifth of the book's times: the rule is in poll intervals, whatever they are
    rounds=3 frounds=1 book="--interval-ms 20 --poll-ms 20 --tail-ms 200" flood=500 pyrounds=1
else
    rounds=3 frounds=3 book="" flood=2000 pyrounds=3
fi

progress "62: every step, the book's setting${book:+ (shortened: $book)}, and the inline control, $rounds round(s)"
# shellcheck disable=SC2086 # $book is a list of flags
"$bench" --part steps --rounds "$rounds" $book >"$RUN/62_steps.csv"

progress "62: hand-offs in a flood ($flood lines a file, no pauses), unpinned and pinned"
flood_flags="--lines $flood --interval-ms 0 --poll-ms 1 --tail-ms 0"
# shellcheck disable=SC2086
"$bench" --part steps --rounds "$frounds" $flood_flags >"$RUN/62_flood.csv"
# shellcheck disable=SC2086
"$bench" --part steps --rounds "$frounds" $flood_flags --pin | tail -n +2 >>"$RUN/62_flood.csv"

progress "62: a write failing on the loop, through run_coroutine_threadsafe and call_soon_threadsafe"
"$bench" --part errors --rounds "$frounds" --interval-ms 10 --poll-ms 10 --tail-ms 0 \
    >"$RUN/62_errors.csv"

rm -f "$RUN/62_python.csv"
pythons | while read -r version python; do
    case $version in 2.* | 3.[0-4]) progress "62: CPython $version has no run_coroutine_threadsafe: skipped"; continue ;; esac
    progress "62: CPython $version's three bridges"
    if [ ! -s "$RUN/62_python.csv" ]; then
        "$python" "$HARNESS/python/62_bridge.py" --rounds "$pyrounds" | sed '1s/^/python,pinned,/; 2,$s/^/'"$version"',0,/' >"$RUN/62_python.csv"
        if command -v taskset >/dev/null 2>&1; then
            taskset -c 0 "$python" "$HARNESS/python/62_bridge.py" --rounds "$pyrounds" | sed '1d; s/^/'"$version"',1,/' >>"$RUN/62_python.csv"
        fi
    else
        "$python" "$HARNESS/python/62_bridge.py" --rounds 1 | sed '1d; s/^/'"$version"',0,/' >>"$RUN/62_python.csv"
    fi
done
