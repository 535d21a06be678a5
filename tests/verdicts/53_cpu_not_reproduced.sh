# claim: CPU-bound threads under a GIL are no faster than serial
# expect: not reproduced
# The new GIL's threads made 1.9x (as if they ran in parallel), while the
# no-GIL control shows free cores (0.95 x min(threads, cores)).
cores=$(getconf _NPROCESSORS_ONLN)
f=$RUN/53_cpu.csv
awk -F, -v OFS=, -v cores="$cores" '
    NR > 1 && $2 == "new" { $8 = 1.9 }
    NR > 1 && $2 == "none" { $8 = 0.95 * ($3 < cores ? $3 : cores) } 1' "$f" >"$f.new" && mv "$f.new" "$f"
