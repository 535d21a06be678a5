#!/bin/sh
# Item 64's section of the report, from the judge's figures and the CSVs.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/64.figures"
cores=$(getconf _NPROCESSORS_ONLN)
verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3 }' "$RUN/64.verdicts"; }
root=../../..

cat <<EOT
## Item 64: concurrent.futures for true parallelism ([items/64_true_parallelism]($root/items/64_true_parallelism/README.md))

The greatest common divisor of number pairs, found the slow way (counting
down from the smaller number), by a plain loop and by three pools of 2
workers, the book's \`max_workers\`: a thread pool whose workers hold the
GIL-like lock of item 53 while they compute, the same pool without it (the
control: what this machine's cores gave the run), and a pool of forked
processes that get their pairs and send back their answers as bytes through
pipes. Every answer is checked against Euclid's algorithm. Speedup = the
loop's time / the pool's time, in the same round (bigger is faster); with
$cores cores CPU-bound work can at best run ${cores}x faster.

![Item 64, speedup against workers](64_scaling.svg)

- **Under the GIL: $gil_spread** at 2 workers (\`64.threads-gil\`: $(verdict_of 64.threads-gil)).
  The same pool without the GIL: **$nogil_spread** (its negative control,
  judged by the same rule: $(verdict_of 64.threads-gil.neg)).
- **Processes: $proc_spread** at 2 workers (\`64.processes\`: $(verdict_of 64.processes)).
  What keeps it from ${cores}x: shipping took ${ship_share}% of the workers'
  time, and each worker computes under a lock of its own, whose check at
  every tick costs what the loop under an uncontended lock shows: it ran at
  ${lock_cost}x the plain loop's speed. What remains (forking and reaping
  the workers, one finishing after the other) is not split out here.
EOT
if [ -s "$RUN/64_python.csv" ]; then
    echo
    echo "CPython on this machine (\`harness/python/64_gcd.py\`: 16 pairs, \`map\` with"
    echo "chunksize 1; speedup at 2 workers, median of the rounds; the first row is the"
    echo "default interpreter at full size, the others at class size):"
    echo
    echo "| CPython | ThreadPoolExecutor | ProcessPoolExecutor |"
    echo "|---|---:|---:|"
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$RUN/64_python.csv"); do
        printf '| %s | %s | %s |\n' "$v" \
            "$(spread "$RUN/64_python.csv" speedup python="$v" executor=threads workers=2)" \
            "$(spread "$RUN/64_python.csv" speedup python="$v" executor=processes workers=2)"
    done
    [ -s "$RUN/64_versions.svg" ] && printf '\n![CPython version by version](64_versions.svg)\n'
    echo
    echo "Every CPython from 3.6 to 3.13 has a GIL in its default build, so no"
    echo "version's thread pool speeds this loop up; a free-threaded build (3.13t)"
    echo "would, like the pool without a GIL here."
fi
cat <<EOT

![Item 64, shipping](64_shipping.svg)

**When shipping costs more than the gain** (\`64.shipping\`: $(verdict_of 64.shipping)).
The process pool on $cores workers over pairs of numbers up to $small (about a
microsecond of work each): one pair per message ran at **$tiny_spread** the
loop's speed, $small_best_batch pairs per message at **${small_best}x**. With numbers
up to $large a one-pair message carries enough work (negative control
\`64.shipping.neg\`: $(verdict_of 64.shipping.neg)); its best batch, ${large_best}x, is
this sweep's control. A batch so large that there are fewer messages than
workers leaves a worker idle: the lines fall again at the right.

| numbers up to | pairs per message | speedup, median (range) |
|---:|---:|---:|
EOT
mlr --icsv --onidx --ofs ';' filter '$executor == "processes"' then cut -o -f size,batch,median,lo,hi \
    "$RUN/64_shipping_med.csv" | while IFS=';' read -r size batch med lo hi; do
    printf '| %s | %s | %.3gx (%.3g-%.3g) |\n' "$size" "$batch" "$med" "$lo" "$hi"
done
cat <<EOT

Raw data: [64_scaling.csv](64_scaling.csv), [64_shipping.csv](64_shipping.csv)$([ -s "$RUN/64_python.csv" ] && echo ", [64_python.csv](64_python.csv), [64_python_shipping.csv](64_python_shipping.csv)"). Worker processes
left unreaped plus descriptors leaked, over every row: $(mlr --icsv --onidx put -q '@s += $children_left + $fds_leaked; end { emit @s }' "$RUN/64_scaling.csv" "$RUN/64_shipping.csv").
EOT
