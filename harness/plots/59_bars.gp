# 59_bars.gp - clustered bars with error bars (the spread over rounds), for
# item 59 (a copy of 55_bars.gp, kept apart so that either item can change):
# one cluster per row of a whitespace data file, one bar per group.
#
# Parameters, with -e:
#   in, out        data file; output path without extension (.svg and .png)
#   title, ylabel, caption   text; units in the axis label
#   labels         legend texts of the groups, space-separated, '_' for spaces
#   logy           0, or the log base of the y axis
#   hline, hlinetitle  optional horizontal reference line and its legend text
# The data file: one line per cluster,
#   "cluster label" median1 lo1 hi1 median2 lo2 hi2 ...
# with '?' for a bar that has no value (a zero on a log axis, a missing run).

if (!exists("logy")) logy = 0
if (!exists("caption")) caption = ""
if (!exists("hline")) hline = ""
if (!exists("hlinetitle")) hlinetitle = ""

label_of(i) = system(sprintf("echo '%s' | awk '{ gsub(\"_\", \" \", $%d); print $%d }'", labels, i, i))
ngroups = words(labels)

set datafile separator whitespace
set datafile missing "?"
set title title font ",13"
set ylabel ylabel
set grid ytics back lc rgb "#dddddd"
# The legend sits under the plot, so the cluster labels get the whole width.
set key at screen 0.5, 0.06 center bottom horizontal box opaque samplen 2
set border 3
set tics nomirror
set xtics scale 0
set bmargin 8
set label 1 caption at screen 0.01, 0.02 font ",8" tc rgb "#555555"
set style data histograms
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 0.75 border rgb "#333333"
set boxwidth 0.9
if (logy > 0) { set logscale y logy; set format y "%g" } else { set yrange [0:*] }

cmd = "plot for [i=1:ngroups] in using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) title label_of(i)"
if (hline ne "") { cmd = cmd . sprintf(", %s with lines dt 3 lw 2 lc rgb 'black' title '%s'", hline, hlinetitle) }

set terminal svg size 800,500 dynamic enhanced font "DejaVu Sans,12" background rgb "white"
set output out . ".svg"
eval cmd
set terminal pngcairo size 1000,625 enhanced font "DejaVu Sans,12" background rgb "white"
set output out . ".png"
eval cmd
set output
