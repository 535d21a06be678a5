# 53_timeline.gp - who holds Item 53's GIL-like lock, when: one band per
# thread over time, coloured by state; the new and the old policy side by
# side (columns), two CPU-bound threads and the convoy (rows).
#
# Parameters, with -e:
#   in       the CSV of `53_threads_gil-bench --part timeline`:
#            scene,policy,thread,label,state,start_ms,end_ms
#   out      output path without extension (writes .svg and .png)
#   caption, style   as for every chart (lib.sh's plot_with passes them)
#   new_ms, old_ms   the time drawn for each policy (the harness traces the
#            old policy's microsecond stripes for less)
if (!exists("new_ms")) new_ms = 30
if (!exists("old_ms")) old_ms = 30
title = "Item 53: who holds the GIL-like lock, one band per thread"
load style
set title
# The legend, once, under all four panels (drawn with the first).
key = "set key at screen 0.5, 0.05 center center horizontal maxrows 1 samplen 2 box opaque;"
set tics nomirror out
set grid xtics back lc rgb "#dddddd"
set grid noytics
set yrange [-0.6:1.6]
set xlabel "time (ms)" offset 0, 0.5
set style fill solid 1.0 noborder

state_colour(s) = s eq "running" ? 0x2e8b57 : s eq "waiting" ? 0xe07b39 : 0x4a7fc1
rows(scene, policy) = sprintf("< awk -F, 'NR > 1 && $1 == \"%s\" && $2 == \"%s\"' '%s'", scene, policy, in)
# The y tics: each thread's label at its band.
ytics_of(scene) = system(sprintf("awk -F, 'NR > 1 && $1 == \"%s\" && !seen[$3]++ " . \
    "{ printf \"%%s\\\"%%s\\\" %%s\", n++ ? \",\" : \"\", $4, $3 }' '%s'", scene, in))
panel_title(scene, policy) = (scene eq "cpu" ? "two CPU-bound threads" : "an I/O thread beside a CPU-bound one") . \
    ", " . policy . " GIL" . (policy eq "new" ? " (CPython 3.2+)" : " (2.x)")
bands(scene, policy) = sprintf("rows('%s', '%s')", scene, policy) . \
    " using (($6 + $7) / 2):3:6:7:($3 - 0.35):($3 + 0.35):(state_colour(strcol(5))) with boxxyerror lc rgb variable notitle"
legend = "NaN with boxes fs solid lc rgb '#2e8b57' title 'running (holds the lock)', " . \
    "NaN with boxes fs solid lc rgb '#e07b39' title 'waiting for the lock', " . \
    "NaN with boxes fs solid lc rgb '#4a7fc1' title 'in a system call (lock put down)'"

# One panel: its place in the 2 x 2 layout, its window, its bands.
panel(scene, policy, row, col) = sprintf( \
    "set origin %g, %g; set size 0.5, 0.4; set xrange [0:%g]; set title '%s' font ',11'; %s; " . \
    "%s plot %s%s; ", (col - 1) * 0.5, 0.54 - (row - 1) * 0.4, (policy eq "new" ? new_ms : old_ms), \
    panel_title(scene, policy), (col == 1 ? "set ytics (" . ytics_of(scene) . ")" : "unset ytics"), \
    (row == 1 && col == 1 ? key : "unset key;"), bands(scene, policy), (row == 1 && col == 1 ? ", " . legend : ""))

cmd = "set multiplot title \"" . title . "\\n{/=9 " . caption . "}\" font ',13'; " . \
      panel("cpu", "new", 1, 1) . panel("cpu", "old", 1, 2) . \
      panel("convoy", "new", 2, 1) . panel("convoy", "old", 2, 2) . "unset multiplot"
svg_terminal = 'set terminal svg size 1000,640 dynamic enhanced font "DejaVu Sans,11" background rgb "white"'
png_terminal = 'set terminal pngcairo size 1250,800 enhanced font "DejaVu Sans,11" background rgb "white"'
eval draw
