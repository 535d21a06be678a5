# 63_errbars.gp - clustered bars with error bars (median over rounds, whiskers
# from the smallest to the largest round), for items 62 and 63.
#
# Parameters, with -e:
#   in, out     input: whitespace-separated, no header, one row per cluster:
#               "label" then median lo hi for each group, in order;
#               output path without extension (writes .svg and .png)
#   title, ylabel, caption   text; the units in the axis label
#   labels      legend texts, one per group, '_' for spaces
#   logy        0, or the log base of the y axis
#   ymin        optional bottom of the y axis (needed with logy when a
#               median may be 0)
if (!exists("logy")) logy = 0
if (!exists("caption")) caption = ""
label_of(i) = system(sprintf("echo '%s' | awk '{ gsub(\"_\", \" \", $%d); print $%d }'", labels, i, i))

set datafile separator whitespace
set datafile missing "?"
set title title font ",13"
set ylabel ylabel
set grid ytics back lc rgb "#dddddd"
set key outside top center horizontal maxrows 2 box opaque samplen 2
set border 3
set tics nomirror
set xtics scale 0
set bmargin 6
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.85 border rgb "#333333"
set label 1 caption at screen 0.01, 0.02 font ",8" tc rgb "#555555"
if (logy > 0) { set logscale y logy; set format y "%g" }
if (exists("ymin")) { set yrange [ymin:*] } else { if (logy == 0) { set yrange [0:*] } }

cmd = "plot for [i=1:words(labels)] in using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) title label_of(i)"

set terminal svg size 900,500 dynamic enhanced font "DejaVu Sans,12" background rgb "white"
set output out . ".svg"
eval cmd
set terminal pngcairo size 1100,610 enhanced font "DejaVu Sans,12" background rgb "white"
set output out . ".png"
eval cmd
