# 56_gen_time.gp - Item 56: serial time per generation against grid size, one
# line per latency, each with its prediction cells x latency drawn dashed.
#
# Parameters, with -e:
#   in, out      input CSV (from `summarize`: io_ms,cells,median,lo,hi,n);
#                output path without extension (writes .svg and .png)
#   lats         the latencies in ms, space-separated (the io_ms values)
#   title, caption
if (!exists("caption")) caption = ""

set datafile separator ","
set title title font ",13"
set xlabel "cells in the grid (log scale)"
set ylabel "wall time per generation, seconds (log scale)"
set grid back lc rgb "#dddddd"
set key at screen 0.5, 0.05 center bottom horizontal maxrows 2 box opaque samplen 2
set border 3
set tics nomirror
set bmargin 9
set label 1 caption at screen 0.01, 0.02 font ",8" tc rgb "#555555"
set logscale x 10
set logscale y 10
set format y "%g"
set autoscale xfix
set offsets graph 0.05, graph 0.05, 0, 0

rows(l) = sprintf("< awk -F, -v l='%s' 'NR == 1 || $1 + 0 == l + 0' '%s'", l, in)
lat(i) = word(lats, i) + 0
cmd = "plot for [i=1:words(lats)] rows(word(lats, i)) using 'cells':'median':'lo':'hi' " . \
      "with yerrorlines lw 2 pt 7 ps 0.8 lc i title sprintf('measured, %s ms per cell', word(lats, i)), " . \
      "for [i=1:words(lats)] x * lat(i) / 1000 with lines dt 2 lw 1.5 lc i " . \
      "title sprintf('cells x %s ms', word(lats, i))"

set terminal svg size 800,500 dynamic enhanced font "DejaVu Sans,12" background rgb "white"
set output out . ".svg"
eval cmd
set terminal pngcairo size 1000,625 enhanced font "DejaVu Sans,12" background rgb "white"
set output out . ".png"
eval cmd
set output
