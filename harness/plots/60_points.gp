# 60_points.gp - Item 60's cost charts: one point per (category, series)
# with its range over the rounds, on a log y axis (the values span five
# decades: a bar's length would mean nothing there), and up to three
# horizontal reference lines, each named in the legend (the book's claim,
# conclab's goal), so that a title naming a goal always has its line.
#
# Parameters, with -e (lib.sh's plot_with passes them):
#   in, out, title, ylabel, caption   as in points.gp
#   catcol, cats, catlabels           the column naming the categories, its
#                                     values in order, their texts ('_' is a
#                                     space, '|' a new line)
#   groupcol, groups, labels          the column naming the series, ...
#   ycol, lowcol, highcol             the value and its range
#   refs, reftitles                   up to three y values, and their texts
#   ymin, ymax                        optional bounds of the y axis
load style
if (!exists("labels")) labels = groups
if (!exists("catlabels")) catlabels = cats
if (!exists("refs")) refs = ""
if (!exists("reftitles")) reftitles = ""

ncats = words(cats)
ngroups = words(groups)
set xrange [0.5:ncats + 0.5]
set xtics () scale 0
tic_of(list, i) = system(sprintf("echo '%s' | awk '{ s = $%d; gsub(\"_\", \" \", s); " . \
    "gsub(\"[|]\", \"\\n\", s); print s }'", list, i))
do for [i=1:ncats] { set xtics add (tic_of(catlabels, i) i) }
set ylabel ylabel
set logscale y 10
set autoscale yfix
if (exists("ymin") && exists("ymax")) {
    set yrange [ymin:ymax]
    # a range of a decade or two: name 2x and 5x of each decade too
    do for [e=0:8] { set ytics add (sprintf("%.0f", 2 * 10**e) 2 * 10**e, sprintf("%.0f", 5 * 10**e) 5 * 10**e) }
}
set format y "%.0f"
# Room under the plot for two-line category names and the legend below
# them (gnuplot sizes the margin for one line).
set bmargin 7
set grid noxtics ytics
set offsets 0, 0, graph 0.1, graph 0.1

# "x,y,lo,hi" rows of one series: x is its category's place, nudged apart
# from the other series' points. (No printf in the awk: gnuplot's sprintf
# mangles a long format holding %%.)
series(g, gi) = sprintf("< awk -F, -v cc='%s' -v gc='%s' -v yc='%s' -v lc='%s' -v hc='%s' " . \
    "-v cats='%s' -v g='%s' -v off=%f 'BEGIN { n = split(cats, c, \" \"); " . \
    "for (i = 1; i <= n; i++) at[c[i]] = i } NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } " . \
    "$col[gc] == g && ($col[cc] in at) && $col[yc] != \"\" { OFS = \",\"; " . \
    "print at[$col[cc]] + off, $col[yc], $col[lc], $col[hc] }' '%s'", \
    catcol, groupcol, ycol, lowcol, highcol, cats, g, (gi - (ngroups + 1) / 2.0) * 0.15, in)

cmd = "plot for [i=1:ngroups] series(word(groups, i), i) using 1:2:3:4 with yerrorbars " . \
      "pt (4 + 2 * i) ps 1.4 lw 2 title label_of(labels, i)"
ref_dt(i) = i + 1
do for [i=1:words(refs)] {
    cmd = cmd . sprintf(", %s with lines dt %d lw 1.5 lc rgb '%s' title '%s'", word(refs, i), \
        ref_dt(i), word("#aa3333 #333333 #3333aa", i), label_of(reftitles, i))
}
eval draw
