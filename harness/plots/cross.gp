# cross.gp - the chapter's headline chart (harness/plot/cross.sh): a value
# against cells, log-log, one line with points per approach (the median of
# its rounds, the range as error bars), an optional ideal line, and the
# sizes an approach skipped marked at the foot of the chart in its colour.
#
# Parameters, with -e (lib.sh's plot_with passes them):
#   in, out, title, xlabel, ylabel, caption
#   approaches, labels   the approach names in legend order, their texts
#                        ('_' for spaces); in has columns approach,cells,
#                        median,lo,hi (summarize in lib.sh)
#   colors, widths       a colour and a line width per approach (the same in
#                        every chart, the claim's own series the boldest)
#   skipped, skipidx     optional CSV approach,cells of sizes not measured,
#                        and the places in approaches of those that have one
#   ideal, idealtitle    optional y value of an ideal horizontal line
#   ymin                 the y value where skipped sizes are marked (the axis
#                        starts a little below it)
load style
if (!exists("labels")) labels = approaches
if (!exists("skipped")) skipped = ""
if (!exists("skipidx")) skipidx = ""
if (!exists("ideal")) ideal = ""
if (!exists("idealtitle")) idealtitle = "ideal"

set xlabel xlabel
set ylabel ylabel
set logscale x 10
set logscale y 10
set autoscale xfix
set format x "%.0f"
set format y "%g"
set offsets graph 0.04, graph 0.04, 0, 0
if (exists("ymin")) { set yrange [ymin / 1.5:*] }
# Room for the axis label and a legend of two columns below it (gnuplot's
# own margin lets a legend of three rows or more cover the label).
nkey = words(approaches) + (ideal ne "" ? 1 : 0) + (skipped ne "" ? 1 : 0)
set bmargin 3.5 + ceil(nkey / 2.0) * 1.25

# The rows of one approach, header kept (gnuplot reads columns by name).
rows(a, file) = sprintf("< awk -F, -v a='%s' 'NR == 1 || $1 == a' '%s'", a, file)
n = words(approaches)
# The ideal first, so that a series lying on it is drawn over it.
cmd = "plot "
if (ideal ne "") {
    cmd = cmd . sprintf("%s with lines dt 2 lw 1.5 lc rgb 'gray30' title '%s', ", ideal, idealtitle)
}
cmd = cmd . "for [i=1:n] rows(word(approaches, i), in) using 'cells':'median':'lo':'hi' " . \
      "with yerrorlines lc rgb word(colors, i) lw int(word(widths, i)) pt 7 ps 0.9 " . \
      "title label_of(labels, i)"
if (skipped ne "") {
    # One x per skipped size, a little higher for each approach, in its colour.
    cmd = cmd . ", for [k=1:words(skipidx)] rows(word(approaches, int(word(skipidx, k))), skipped) " . \
          "using 'cells':(ymin * 1.15 ** (int(word(skipidx, k)) - 1)) " . \
          "with points lc rgb word(colors, int(word(skipidx, k))) pt 2 ps 1.6 lw 2 notitle"
    cmd = cmd . ", NaN with points lc rgb 'black' pt 2 ps 1.6 lw 2 title 'size not run (why: in the report)'"
}
eval draw
