# claim: 57.cost
# expect: not reproduced
# As if a new thread cost only twice the CPU of a hand-off to one that exists.
. tests/verdicts/doctor.sh
f=$RUN/57_cost.csv
handoff=$(mlr --icsv --onidx filter '$variant == "handoff" && $cells == 45' then head -n 1 then cut -f cpu_us_per_task "$f")
set_column "$f" cpu_us_per_task "2 * $handoff" variant=thread cells=45
set_column "$f" cpu_us_per_task "$handoff" variant=handoff cells=45
set_column "$f" cpu_us_per_task "$handoff" variant=handoff_again cells=45
