# style.gp - the one look every conclab chart shares; each chart script
# loads it first (plot_with in lib.sh passes its path as `style`):
#   load style
# then sets its own axes and builds its plot command in `cmd`, and ends with
#   eval draw
# which writes out.svg and out.png. Shared here: the font, the title with
# the machine caption under it, the grid, and the legend: always below the
# plot, centred, in rows, boxed, so it never covers data or an axis label.

if (!exists("caption")) caption = ""
if (!exists("title")) title = ""
set title sprintf("%s\n{/=9 %s}", title, caption) font ",13"
set grid back lc rgb "#dddddd"
set border 3
set tics nomirror
# Anchored to the bottom of the picture with room kept for up to five rows:
# gnuplot 5.4's own "key below" lets a long key cover the x axis label.
set key at screen 0.5, 0.015 center bottom horizontal box opaque samplen 2 width 1 maxrows 5
set bmargin 11
set datafile separator ","
# Ticks read as plain numbers (1000000, not 1e+06), on log axes too.
set format x "%.10g"
set format y "%.10g"

svg_terminal = 'set terminal svg size 820,560 dynamic enhanced font "DejaVu Sans,12" background rgb "white"'
png_terminal = 'set terminal pngcairo size 1025,700 enhanced font "DejaVu Sans,12" background rgb "white"'
draw = 'eval svg_terminal; set output out . ".svg"; eval cmd; eval png_terminal; set output out . ".png"; eval cmd; set output'

# label_of(list, i): the i-th word of a space-separated list, '_' read as a space.
label_of(list, i) = system(sprintf("echo '%s' | awk '{ gsub(\"_\", \" \", $%d); print $%d }'", list, i, i))
