# points.gp - categories along x, one point per group with its range (the
# smallest and largest round) as an error bar, on a linear or log y axis.
# For values that span decades, where a bar's length on a log axis would
# mean nothing. Points of one group are not joined: the categories are
# not a scale.
#
# Columns are read by name from the CSV header. Parameters, with -e:
#   in, out        input CSV; output path without extension (.svg and .png)
#   title, ylabel, caption   text; the units in the axis label
#   catcol, cats   the column naming the categories, and its values in order
#   catlabels      optional texts under them, same order, '_' for spaces
#   groupcol, groups, labels   the column naming the series, its values,
#                  legend texts ('_' for spaces)
#   ycol           the value; lowcol, highcol: optional range columns
#   logy           0, or the log base of the y axis
#   hline, hlinetitle  optional horizontal reference line (a goal) and its text
# A missing (category, group) pair draws nothing. A zero cannot sit on a
# log axis: gnuplot leaves it out, so say in the ylabel or the report where
# a value is zero (or use a linear axis).

load style
if (!exists("labels")) labels = groups
if (!exists("catlabels")) catlabels = cats
if (!exists("logy")) logy = 0
if (!exists("lowcol")) lowcol = ""
if (!exists("highcol")) highcol = ""
if (!exists("hline")) hline = ""
if (!exists("hlinetitle")) hlinetitle = ""

ncats = words(cats)
ngroups = words(groups)
# Category i sits at x = i; the groups spread a little around it.
xpos(i, g) = i + (g - (ngroups + 1) / 2.0) * 0.12
set xrange [0.5:ncats + 0.5]
set xtics () scale 0
do for [i=1:ncats] { set xtics add (label_of(catlabels, i) i) }
set ylabel ylabel
set grid noxtics ytics
if (logy > 0) { set logscale y logy; set offsets 0, 0, graph 0.08, graph 0.08 } else { set yrange [0:*]; set offsets 0, 0, graph 0.08, 0 }

# The rows of one group as "x y lo hi": x from the category's place. The awk
# program is a plain string, joined on: gnuplot 5.4's sprintf garbles its
# %% escapes once the result passes about 520 characters (a long RUN path).
rows_awk = "'BEGIN { n = split(cats, c, \" \"); for (i = 1; i <= n; i++) at[c[i]] = i } " . \
    "NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } " . \
    "$col[gc] == g && ($col[cc] in at) { y = $col[yc]; lo = (lc != \"\") ? $col[lc] : y; hi = (hc != \"\") ? $col[hc] : y; " . \
    "  printf \"%g,%s,%s,%s\\n\", at[$col[cc]] + (gi - (ng + 1) / 2.0) * 0.12, y, lo, hi }'"
rows(g, gi) = sprintf("< awk -F, -v cc='%s' -v gc='%s' -v yc='%s' -v lc='%s' -v hc='%s' -v cats='%s' -v g='%s' -v gi=%d -v ng=%d ", \
    catcol, groupcol, ycol, lowcol, highcol, cats, g, gi, ngroups) . rows_awk . " '" . in . "'"

cmd = "plot for [i=1:ngroups] rows(word(groups, i), i) using 1:2:3:4 with yerrorbars pt (4 + 2 * i) ps 1.3 lw 2 title label_of(labels, i)"
if (hline ne "") { cmd = cmd . sprintf(", %s with lines dt 2 lw 1.5 lc rgb 'black' title '%s'", hline, hlinetitle) }
eval draw
