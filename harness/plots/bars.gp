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
#   logy           0, or the log base for the y axis
# A missing (category, group) pair leaves a gap.

if (!exists("labels")) labels = groups
if (!exists("catlabels")) catlabels = cats
if (!exists("logy")) logy = 0
if (!exists("caption")) caption = ""

word_of(list, i) = system(sprintf("echo '%s' | awk '{ gsub(\"_\", \" \", $%d); print $%d }'", list, i, i))

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
set title title font ",13"
set ylabel ylabel
set grid ytics back lc rgb "#dddddd"
set key outside right top box opaque samplen 2
set border 3
set tics nomirror
set xtics scale 0
set bmargin 6
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.9
set label 1 caption at screen 0.01, 0.02 font ",8" tc rgb "#555555"
if (logy > 0) { set logscale y logy; set format y "%g" } else { set yrange [0:*] }

cmd = "plot for [i=1:words(groups)] pivot using (column(i + 1)):xtic(1) title word_of(labels, i)"

set terminal svg size 800,500 dynamic enhanced font "DejaVu Sans,12" background rgb "white"
set output out . ".svg"
eval cmd
set terminal pngcairo size 1000,625 enhanced font "DejaVu Sans,12" background rgb "white"
set output out . ".png"
eval cmd
set output
