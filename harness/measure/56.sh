#!/bin/sh
# Item 56, measure: runs 56_game_of_life-bench and CPython's 56_life.py.
#   $RUN/56_sweep.csv       the serial sweep at 1 ms per cell, with each
#                           run's time in the run queue (runq_s)
#   $RUN/56_cells.csv       its cross-item columns alone (the chapter's file,
#                           approach serial, read by plot/cross.sh)
#   $RUN/56_overlapped.csv  the same sweep with the cells' waits overlapped
#                           (the negative control)
#   $RUN/56_book.csv        the book's 5 x 9 grid at the book's 100 ms per
#                           cell (QUICK: 10 ms), serial and overlapped, with
#                           lone 1 ms calls (how late this machine wakes)
#   $RUN/56_python.csv      the book's grid at 1 ms in CPython, every
#                           interpreter found (a few tenths of a second each)
# Full: about 15 s (the sweep 9.6 s, the book's generation 4.6 s); QUICK 4.5 s.
set -eu
. "$HARNESS/lib.sh"

bench="$BIN/56_game_of_life-bench"
if [ "$QUICK" = 1 ]; then
    cells=45,400,2500 rounds=1 book_ms=10 py_rounds=2
else
    cells=45,400,2500,10000,100000,1000000 rounds=3 book_ms=100 py_rounds=3
fi
all_cells=45,400,2500,10000,100000,1000000 # overlapped: about 0.1 s for all six

progress "56: the book's grid, one serial generation at $book_ms ms per cell (about $(calc "45 * $book_ms / 1000") s)"
"$bench" --part book --io-ms "$book_ms" --rounds 1 --lone-calls 20 --lone-ms 1 >"$RUN/56_book.csv"
progress "56: serial generations of $cells cells at 1 ms per cell, $rounds round(s)"
"$bench" --part cells --cells "$cells" --io-ms 1 --rounds "$rounds" >"$RUN/56_sweep.csv"
mlr --icsv --ocsv cut -o -f approach,cells,latency_ms,round,gen_s,rss_kib,note \
    "$RUN/56_sweep.csv" >"$RUN/56_cells.csv"
progress "56: the same with the cells' waits overlapped (the negative control)"
"$bench" --part overlapped --cells "$all_cells" --io-ms 1 --rounds "$rounds" >"$RUN/56_overlapped.csv"

progress "56: CPython $(pythons | cut -d' ' -f1 | paste -sd' ' -): the book's grid at 1 ms"
each_python "$RUN/56_python.csv" 56_life.py --io-ms 1 --rounds "$py_rounds"
