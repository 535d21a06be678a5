# claim: 57.cost
# expect: inconclusive
# A noisy round: the same hand-off, measured twice, took 5x longer the
# second time; nothing measured in that round can be compared.
. tests/verdicts/doctor.sh
f=$RUN/57_cost.csv
handoff=$(mlr --icsv --onidx filter '$variant == "handoff" && $cells == 45' then head -n 1 then cut -f cpu_us_per_task "$f")
set_column "$f" cpu_us_per_task "5 * $handoff" variant=handoff_again cells=45
