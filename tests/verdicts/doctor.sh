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
