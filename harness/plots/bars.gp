# bars.gp - clustered bars from a long-format CSV: one cluster per category,
# one bar per group within it.
#
# Columns are read by name from the CSV header. Parameters, with -e:
#   in, out        input CSV; output path without extension (writes .svg and .png)
#   title, ylabel, caption   text; put the units in the axis label
#   catcol, cats   the column naming the clusters, and its values in order
#   catlabels      optional texts under the clusters, same order, '_' for spaces
#   groupcol, groups, labels   the column naming the bars, its values, legend texts
#   ycol           the bar height column
# The y axis is linear and starts at 0: a bar's length is its value. For
# values that span decades use points.gp on a log axis instead.
# A missing (category, group) pair leaves a gap.

load style
if (!exists("labels")) labels = groups
if (!exists("catlabels")) catlabels = cats
if (exists("logy")) { print "bars.gp: no log axis for bars (a bar's length would mean nothing): use points.gp"; exit status 2 }

# One row per category: its label, then the value of each group ('?' if none).
pivot = sprintf("< awk -F, -v cc='%s' -v gc='%s' -v yc='%s' -v cats='%s' -v groups='%s' -v clabels='%s' '" . \
    "NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } " . \
    "{ v[$col[cc], $col[gc]] = $col[yc] } " . \
    "END { nc = split(cats, c, \" \"); ng = split(groups, g, \" \"); split(clabels, cl, \" \"); " . \
    "  for (i = 1; i <= nc; i++) { lab = cl[i]; gsub(\"_\", \" \", lab); line = \"\\\"\" lab \"\\\"\"; " . \
    "    for (j = 1; j <= ng; j++) line = line \" \" (((c[i], g[j]) in v) ? v[c[i], g[j]] : \"?\"); print line } }' '%s'", \
    catcol, groupcol, ycol, cats, groups, catlabels, in)

set datafile separator whitespace
set datafile missing "?"
set ylabel ylabel
set grid noxtics ytics
set xtics scale 0
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.9
set yrange [0:*]

cmd = "plot for [i=1:words(groups)] pivot using (column(i + 1)):xtic(1) title label_of(labels, i)"

eval draw
