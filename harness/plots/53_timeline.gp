# 53_timeline.gp - who holds Item 53's GIL-like lock, when: one band per
# thread over time, coloured by state, for the new and the old policy side by
# side (columns) and the CPU-bound and convoy scenes (rows).
#
# Parameters, with -e:
#   in       the timeline CSV of `53_threads_gil --mode timeline --csv`:
#            scene,policy,thread,label,state,start_ms,end_ms
#   out      output path without extension (writes .svg and .png)
#   caption  the machine, in one line
#   new_ms, old_ms   optional: the time window drawn for each policy (the
#            harness traces the old policy's microsecond stripes for less)
if (!exists("caption")) caption = ""
if (!exists("new_ms")) new_ms = 30
if (!exists("old_ms")) old_ms = 30

set datafile separator ","
state_colour(s) = s eq "running" ? 0x2e8b57 : s eq "waiting" ? 0xe07b39 : 0x4a7fc1
rows(scene, policy) = sprintf("< awk -F, 'NR > 1 && $1 == \"%s\" && $2 == \"%s\"' '%s'", \
                              scene, policy, in)
# The y tics: each thread's label at its band.
ytics_of(scene) = system(sprintf("awk -F, 'NR > 1 && $1 == \"%s\" && !seen[$3]++ " . \
    "{ printf \"%%s\\\"%%s\\\" %%s\", n++ ? \",\" : \"\", $4, $3 }' '%s'", scene, in))

panel(scene, policy) = rows(scene, policy)

do for [term = 1:2] {
    if (term == 1) {
        set terminal svg size 1000,600 dynamic enhanced font "DejaVu Sans,11" background rgb "white"
        set output out . ".svg"
    } else {
        set terminal pngcairo size 1250,750 enhanced font "DejaVu Sans,11" background rgb "white"
        set output out . ".png"
    }
    set multiplot title "Item 53: who holds the GIL-like lock (one band per thread)" font ",13" \
        layout 2,2 margins 0.12, 0.98, 0.17, 0.9 spacing 0.04, 0.13
    set border 3
    set tics nomirror out
    set grid xtics back lc rgb "#dddddd"
    set yrange [-0.6:1.6]
    set xlabel "time (ms)" offset 0, 0.5
    set style fill solid 1.0 noborder
    # The legend and the caption, once, under all four panels.
    set key at screen 0.5, 0.06 center center horizontal maxrows 1 samplen 2 box opaque
    set label 1 caption at screen 0.01, 0.015 font ",8" tc rgb "#555555"
    do for [row = 1:2] {
        scene = row == 1 ? "cpu" : "convoy"
        do for [col = 1:2] {
            policy = col == 1 ? "new" : "old"
            set xrange [0:(col == 1 ? new_ms : old_ms)]
            if (col == 1) { set ytics; eval "set ytics (" . ytics_of(scene) . ")" } else { unset ytics }
            set title (scene eq "cpu" ? "two CPU-bound threads" : "an I/O thread beside a CPU-bound one") . \
                ", " . policy . " GIL" . (policy eq "new" ? " (3.2+)" : " (2.x)") font ",11"
            plot rows(scene, policy) using (($6 + $7) / 2):3:6:7:($3 - 0.35):($3 + 0.35):(state_colour(strcol(5))) \
                     with boxxyerror lc rgb variable notitle, \
                 NaN with boxes fs solid lc rgb "#2e8b57" title "running (holds the lock)", \
                 NaN with boxes fs solid lc rgb "#e07b39" title "waiting for the lock", \
                 NaN with boxes fs solid lc rgb "#4a7fc1" title "in a system call (lock put down)"
            unset key
            unset label 1
        }
    }
    unset multiplot
}
set output
