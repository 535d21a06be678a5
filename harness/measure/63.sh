#!/bin/sh
# measure/63.sh - Item 63: the heartbeat's lag with the heartbeat alone, with
# a blocking call in the loop and the same call offloaded (sleep and fsync),
# and a block under the debug threshold; how long a thread start holds the
# loop, on it and through the executor; CPython's asyncio beside: the lag on
# the default interpreter, the thread starts on every one found.
set -eu
. "$HARNESS/lib.sh"

bench=$BIN/63_blocking_loop-bench
if [ "$QUICK" = 1 ]; then
    rounds=1 block=120 pyrounds=1
else
    rounds=5 block=500 pyrounds=2
fi

progress "63: heartbeat lag: alone, blocking and offloaded (sleep, fsync), a $block ms block, $rounds round(s)"
"$bench" --part lag --rounds "$rounds" --block-ms "$block" >"$RUN/63_lag.csv"
progress "63: how long starting a thread holds the loop"
"$bench" --part start --rounds "$(( rounds > 3 ? 3 : rounds ))" >"$RUN/63_start.csv"

rm -f "$RUN/63_python.csv" "$RUN/63_python_start.csv"
first=1
pythons | while read -r version python; do
    case $version in 2.* | 3.[0-4]) progress "63: CPython $version has no async def: skipped"; continue ;; esac
    if [ "$first" = 1 ]; then
        progress "63: CPython $version's asyncio, debug mode on"
        "$python" "$HARNESS/python/63_asyncio.py" --part lag --rounds "$pyrounds" --block-ms "$block" |
            sed '1s/^/python,/; 2,$s/^/'"$version"',/' >"$RUN/63_python.csv"
        "$python" "$HARNESS/python/63_asyncio.py" --part start --rounds 1 |
            sed '1s/^/python,/; 2,$s/^/'"$version"',/' >"$RUN/63_python_start.csv"
        first=0
    else
        progress "63: CPython $version's thread starts"
        "$python" "$HARNESS/python/63_asyncio.py" --part start --rounds 1 |
            sed '1d; s/^/'"$version"',/' >>"$RUN/63_python_start.csv"
    fi
done
