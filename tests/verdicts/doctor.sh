# doctor.sh - sourced by the verdict cases in this folder (not a case itself:
# the smoke test runs only NN_*.sh). Rewrites CSV columns by name in place.

# set_column FILE COLUMN VALUE [KEY=VALUE ...]: COLUMN := VALUE (an awk
# expression; `cores` is this machine's core count) in every row matching
# all the keys.
set_column() {
    file=$1 column=$2 value=$3
    shift 3
    awk -F, -v OFS=, -v column="$column" -v keys="$*" -v cores="$(getconf _NPROCESSORS_ONLN)" "
        NR == 1 { for (i = 1; i <= NF; i++) at[\$i] = i; n = split(keys, k, \" \"); print; next }
        {
            for (j = 1; j <= n; j++) { split(k[j], kv, \"=\"); if (\$(at[kv[1]]) != kv[2]) { print; next } }
            \$(at[column]) = $value; print
        }" "$file" >"$file.doctored" && mv "$file.doctored" "$file"
}

# free_cores_64: item 64's controls as on a machine whose cores were free
# (the no-GIL pool at 0.95 x 2 workers, no median above the cores, the
# largest numbers' best batch at 0.95 x cores: the judge's own choice of size), so that a case that expects
# a verdict gets one whatever the smoke run's own rounds met.
free_cores_64() {
    set_column "$RUN/64_scaling.csv" speedup '($(at["speedup"]) > cores ? cores : $(at["speedup"]))'
    set_column "$RUN/64_scaling.csv" speedup "0.95 * (cores < 2 ? cores : 2)" executor=threads workers=2
    set_column "$RUN/64_shipping.csv" speedup "0.95 * cores" executor=processes \
        size="$(mlr --icsv --onidx stats1 -a max -f size "$RUN/64_shipping.csv")"
}

# free_cores_58 / free_cores_59: the same for items 58 and 59: the waiting
# threads woken on time (a generation of 5 or 10 cells within one wait and
# a bit), bare sleepers 5x faster with 5 threads than with 1 and a queue
# worker as fast as a bare sleeper, the pinned pools given their whole CPU.
free_cores_58() {
    set_column "$RUN/58_limit.csv" gen_s '$(at["io_ms"]) * 1.1 / 1000' variant=queue_workers cells=5
    set_column "$RUN/58_workers.csv" gen_s 0.045 variant=sleepers workers=1
    set_column "$RUN/58_workers.csv" gen_s 0.009 variant=sleepers workers=5
    set_column "$RUN/58_workers.csv" gen_s 0.046 variant=queue_workers workers=1
}
free_cores_59() {
    set_column "$RUN/59_cap.csv" gen_s '$(at["io_ms"]) * 1.2 / 1000' variant=pool cells=10
    set_column "$RUN/59_overhead.csv" cpu_wall 1 pinned=1
}
