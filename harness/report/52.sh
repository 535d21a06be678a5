#!/bin/sh
# report/52.sh - item 52's section of the report, on stdout, from the figures
# and verdicts judge/52.sh wrote and the CSVs measure/52.sh wrote.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/52.figures"
# Three significant digits in the words below.
for f in one_s start_s gave_up_s parallel_ratio serial_ratio; do
    eval "$f=\$(calc \"\$$f\")"
done

p=$RUN/52_parallel.csv t=$RUN/52_timeout.csv py=$RUN/52_python.csv
verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/52.verdicts"; }
rounds=$(rounds_of "$p" wall_s variant=parallel children=1)
stop_rounds=$(rounds_of "$t" left_in_group child=sleep stop=pid)
children=$(mlr --icsv --onidx uniq -f children "$p" | paste -sd' ' -)

cat <<EOT
## Item 52: child processes ([items/52_subprocess](../../../items/52_subprocess/README.md))

**Ten sleeping children at once take about one child's time** (\`52.parallel\`:
**$(verdict_of 52.parallel)**). In $rounds interleaved rounds, each round ran
one child of ${sleep} s alone, then 10 one after another (\`run()\` ten
times), then 10 at once (ten \`Popen\`, then \`wait()\` each). All at once
took **${parallel_ratio}x** one child's time (median; one child alone took
${one_s} s); one after another took ${serial_ratio}x, which is the negative
control (\`52.parallel.neg\`: **$(verdict_of 52.parallel.neg)**). The children
wait in the kernel, not on a core, so this needs no spare cores, only a
machine that starts processes quickly: the control is the time spent
starting the 10, ${start_s} s (median), which must stay under half a sleep.
Ratios are *time / one child's time*: bigger is slower.

![Item 52: wall time against N](52_children.svg)

| N | one after another (s) | all at once (s) | all at once / one child alone | starting them, all at once (s) |
|---:|---:|---:|---:|---:|
EOT
ratios=$RUN/52_ratios_all.csv
ratio_per_round "$p" "$ratios" wall_s 'true' '$variant == "parallel" && $children == 1'
for n in $children; do
    printf '| %s | %.3f | %.3f | %s | %.4f |\n' "$n" "$(median "$p" wall_s variant=serial children="$n")" \
        "$(median "$p" wall_s variant=parallel children="$n")" \
        "$(spread "$ratios" ratio variant=parallel children="$n")" \
        "$(median "$p" start_s variant=parallel children="$n")"
done
rm -f "$ratios"
echo
whole=$(calc "$(csv_value "$RUN/52_whole.csv" mean command=parallel)")
cat <<EOT
The whole program, timed from outside by hyperfine (3 runs, back to back,
so only a cross-check of the in-process clock; [52_whole.json](52_whole.json)):
\`--part parallel --children 10\` took ${whole} s from start to exit.

EOT

cat <<EOT
**A child past its deadline is stopped and reaped, and nothing it started
is left** (\`52.timeout\`: **$(verdict_of 52.timeout)**). \`communicate\` with
a 0.1 s deadline gave up after ${gave_up_s} s (median) with the child still
running, as in the book. Each child ran in a process group of its own and
was stopped by its group (SIGTERM, 0.1 s of grace, SIGKILL): \`sleep 10\`
alone, a shell that started \`sleep 10\` and waits for it, and a stubborn
shell that ignores SIGTERM (its sleep too). Over $stop_rounds round(s), the most
any of the $group_runs stops left running in its group was $group_left process(es).
Stopped the book's way, \`terminate()\` to the child alone, the book's own
child (\`sleep 10\`) left at most ${book_left} behind, but the shell left its
sleep running in $neg_left of $neg_runs runs (\`52.timeout.neg\`:
**$(verdict_of 52.timeout.neg)**):
\`communicate(timeout=)\`, \`terminate()\` and \`kill()\` reach the child, not
what it started. \`start_new_session=True\` (or, from 3.11,
\`process_group=0\`) and \`os.killpg\` reach them all
([52_timeout.csv](52_timeout.csv)).

![Item 52: what the stop leaves](52_stop.svg)

EOT

if [ "$(count_rows "$py" case=run_timeout)" -gt 0 ]; then
    cat <<EOT
**CPython** ([harness/python/52_subprocess.py](../../../harness/python/52_subprocess.py),
[52_python.csv](52_python.csv)): the same stops in each interpreter found.
\`run(timeout=)\` kills the child alone; up to 3.7.4 it then read the pipe
to its end, so a grandchild holding the pipe held the caller past the
deadline (bpo-37424, fixed in 3.7.5 and 3.8); later versions return at the
deadline and leave the grandchild running.

| CPython | terminate(): left running | killpg(): left running | run(timeout=0.1) returned after (s) | its grandchild then |
|---|---:|---:|---:|---|
EOT
    for v in $(mlr --icsv --onidx filter '$case == "run_timeout"' then cut -f python "$py" | sort -V); do
        gc=$(csv_value "$py" left python="$v" case=run_timeout)
        printf '| %s | %s | %s | %.3f | %s |\n' "$(csv_value "$py" version python="$v")" \
            "$(csv_value "$py" left python="$v" case=terminate_pid)" \
            "$(csv_value "$py" left python="$v" case=killpg_group)" \
            "$(csv_value "$py" seconds python="$v" case=run_timeout)" \
            "$([ "$gc" = 1 ] && echo 'still running' || echo 'had ended')"
    done
    echo
    cat <<EOT
Ten \`Popen(['sleep', '0.1'])\` then \`wait()\` each took ${py_ratio}x the time of
one such child alone on CPython ${py_default}, the default interpreter (the
sleepers behave alike on every version).

EOT
    [ -f "$RUN/52_python_run.svg" ] && printf '![CPython run(timeout=) per version](52_python_run.svg)\n\n'
else
    printf '**CPython**: no interpreter was found; the C side stands alone.\n\n'
fi

cat <<EOT
Not judged here, shown by the program and checked by its tests
([tests/test_52_subprocess.c](../../../tests/test_52_subprocess.c)): the parent
works while it polls its children (\`--part poll\`); \`seq 1 N | wc -l\`
counts N (a wrong count is the program's own \`!!!\` failure); a parent that
keeps its copy of the pipe's write end stalls \`wc\` until it closes it;
without close-on-exec \`wc\` holds the write end of its own input and never
ends; SIGINT, SIGTERM and SIGHUP stop every part within half a second with
every child reaped, and a child that fails is an error, never a time.
EOT
