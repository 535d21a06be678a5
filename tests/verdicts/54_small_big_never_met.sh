# claim: 54.small
# expect: inconclusive
# Beside busy neighbours: at the largest count the two threads took turns on
# one core and overlapped for 3 ms, one preemption, and lost nothing. The
# race never had its chance, so no count could show it.
f=$RUN/54_sweep.csv
big=$(mlr --icsv --onidx filter '$method == "racy"' then stats1 -a max -f iterations "$f")
. tests/verdicts/doctor.sh
set_column "$f" actual "2 * $big" method=racy iterations="$big"
set_column "$f" lost 0 method=racy iterations="$big"
set_column "$f" cores_busy 0.35 method=racy iterations="$big"
set_column "$f" overlap_s 0.003 method=racy iterations="$big"
