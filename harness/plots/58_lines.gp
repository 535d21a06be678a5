# 58_lines.gp - lines.gp (every parameter of it) with the x tics at given
# values, for a log x axis: gnuplot labels only whole decades there, and a
# chart from 45 to 2,500 cells would show one or two numbers. Items 58 and
# 59 use it through plot_with in lib.sh:
#   xat   the x values to label, space-separated ("45 400 2500")
if (exists("xat")) {
    set xtics ()
    do for [i=1:words(xat)] { set xtics add (word(xat, i) word(xat, i) + 0) }
    set mxtics default
}
# The legend sits under the axis label (style.gp): leave it room below the plot.
set bmargin 7
load style[1:strlen(style) - strlen("style.gp")] . "lines.gp"
