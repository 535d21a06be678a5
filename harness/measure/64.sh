#!/bin/sh
# Item 64, measured: every executor against the serial loop in interleaved
# rounds (64_scaling.csv), the process pool as the work per message shrinks
# (64_shipping.csv), and CPython's own executors on every interpreter from
# 3.6 found (64_python.csv, 64_python_shipping.csv).
set -eu
. "$HARNESS/lib.sh"

bench="$BIN/64_true_parallelism-bench"
cores=$(getconf _NPROCESSORS_ONLN)
if [ "$QUICK" = 1 ]; then
    pairs=40 rounds=3 ship_rounds=3 batches=1,8,64,512 ship_sizes="1000:20000 100000:300"
else
    pairs=60 rounds=5 ship_rounds=3 batches=1,4,16,64,256,1024,4096
    ship_sizes="1000:30000 10000:6000 100000:600"
fi
# The book's max_workers=2, one worker, the core count, and twice that.
workers=$(printf '%s\n' 1 2 "$cores" $((2 * cores)) | awk '$1 <= 64' | sort -un | paste -sd, -)
py_workers=$(printf '%s\n' 1 2 "$cores" | sort -un | paste -sd, -)

progress "64: serial, threads_gil, threads, processes at workers $workers, $pairs pairs, $rounds rounds"
"$bench" --part scaling --workers "$workers" --pairs "$pairs" --rounds "$rounds" >"$RUN/64_scaling.csv"

progress "64: process pool on $cores workers, batches $batches, numbers up to ${ship_sizes}"
first=1
for size_pairs in $ship_sizes; do
    size=${size_pairs%%:*} n=${size_pairs#*:}
    "$bench" --part shipping --workers "$cores" --pairs "$n" --size "$size" --batch "$batches" \
        --rounds "$ship_rounds" | if [ $first = 1 ]; then cat; else tail -n +2; fi
    first=0
done >"$RUN/64_shipping.csv"

rm -f "$RUN/64_python.csv" "$RUN/64_python_shipping.csv"
default=1
pythons | while read -r version python; do
    case $version in 2.*|3.[0-5]) continue ;; esac # concurrent.futures and f-strings: 3.6+
    if [ $default = 1 ]; then # the default interpreter at full size, and chunksize
        progress "64: CPython $version, workers $py_workers, then chunksize $batches"
        quick=$([ "$QUICK" = 1 ] && echo --quick || true)
        "$python" "$HARNESS/python/64_gcd.py" $quick --rounds 3 --workers "$py_workers" \
            >"$RUN/64_python.csv"
        "$python" "$HARNESS/python/64_gcd.py" $quick --rounds 3 --shipping --workers "$cores" \
            --chunksize "$batches" >"$RUN/64_python_shipping.csv"
    else # the others, at class size: where did the behaviour change?
        progress "64: CPython $version, 2 workers"
        "$python" "$HARNESS/python/64_gcd.py" --quick --rounds 2 --workers 2 | tail -n +2 \
            >>"$RUN/64_python.csv"
    fi
    default=0
done
