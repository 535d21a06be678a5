# lines.gp - a line chart from a long-format CSV, one line per group.
#
# Columns are read by name from the CSV header. Parameters, with -e:
#   in, out        input CSV; output path without extension (writes .svg and .png)
#   title, xlabel, ylabel, caption   text; put the units in the axis labels
#   xcol, ycol     column names for x and y
#   groupcol       the column whose values name the lines; groups: those values,
#                  space-separated, in legend order (labels: optional legend
#                  texts, in the same order, '_' for spaces)
#   logx, logy     0, or the log base for that axis
#   ideal          optional gnuplot expression in x drawn dashed (e.g. "x<2?x:2");
#                  idealtitle: its legend text
#   ymin, ymax     optional bounds of the y axis; xmin, xmax the same for x
#   dashes         optional dash type per line, space-separated, in group order
#                  (1 solid, 2 dashed, 3 dotted, ...), for lines that may overlap
#   xtics          optional x tic step (1 for thread counts)
#   lowcol, highcol  optional columns for error bars (the spread over rounds,
#                  from `summarize` in lib.sh: lo and hi)
#   hline, hlinetitle  optional horizontal reference line (e.g. 1: "as fast
#                  as serial") and its legend text
#   vline, vlinetitle  optional vertical reference line at x = vline
# Example:
#   gnuplot -e "in='52.csv'; out='52'; xcol='children'; ycol='wall_s'; ..." lines.gp

load style
if (!exists("labels")) labels = groups
if (!exists("logx")) logx = 0
if (!exists("logy")) logy = 0
if (!exists("ideal")) ideal = ""
if (!exists("idealtitle")) idealtitle = "ideal"
if (!exists("lowcol")) lowcol = ""
if (!exists("highcol")) highcol = ""
if (!exists("hline")) hline = ""
if (!exists("hlinetitle")) hlinetitle = ""
if (!exists("vline")) vline = ""
if (!exists("vlinetitle")) vlinetitle = ""

set xlabel xlabel
set ylabel ylabel
# A log axis would round out to the next decade; fit it to the data instead
# (the offsets below keep the end points off the border).
if (logx > 0) { set logscale x logx; set autoscale xfix }
if (logy > 0) { set logscale y logy }
if (exists("ymin")) { set yrange [ymin:*] }
if (exists("ymax")) { set yrange [*:ymax] }
if (exists("ymin") && exists("ymax")) { set yrange [ymin:ymax] }
if (exists("xmin")) { set xrange [xmin:*] }
if (exists("xmax")) { set xrange [*:xmax] }
if (exists("xmin") && exists("xmax")) { set xrange [xmin:xmax] }
if (!exists("dashes")) dashes = ""
dash_of(i) = (dashes eq "" ? 1 : int(word(dashes, i)))
if (exists("xtics")) { set xtics xtics }

# The rows of one group, header kept, so that gnuplot draws each as one line.
rows(g) = sprintf("< awk -F, -v col='%s' -v g='%s' " . \
    "'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) k = i; print; next } $k == g' '%s'", \
    groupcol, g, in)
# Margins keep points off the axes; a log axis already rounds out to decades.
if (logy > 0) { set offsets graph 0.03, graph 0.03, 0, 0 } else { set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05 }
if (lowcol ne "" && highcol ne "") {
    cmd = "plot for [i=1:words(groups)] rows(word(groups, i)) using xcol:ycol:lowcol:highcol " . \
          "with yerrorlines lw 2 pt 7 ps 0.8 dt dash_of(i) title label_of(labels, i)"
} else {
    cmd = "plot for [i=1:words(groups)] rows(word(groups, i)) using xcol:ycol " . \
          "with linespoints lw 2 pt 7 ps 0.8 dt dash_of(i) title label_of(labels, i)"
}
if (ideal ne "") { cmd = cmd . sprintf(", %s with lines dt 2 lw 1.5 lc rgb 'gray40' title '%s'", ideal, idealtitle) }
if (hline ne "") { cmd = cmd . sprintf(", %s with lines dt 3 lw 1.5 lc rgb 'black' title '%s'", hline, hlinetitle) }
if (vline ne "") {
    set arrow 1 from first vline, graph 0 to first vline, graph 1 nohead dt 4 lw 1.5 lc rgb "#aa3333"
    set label 2 vlinetitle at first vline, graph 0.97 offset -0.5, 0 right font ",9" tc rgb "#aa3333"
}

eval draw
