# lib.sh - helpers for the experiment scripts in harness/exp/ (POSIX sh).
# Sourced, not run. harness/README.md describes each helper.

progress() {
    now=$(date +%s)
    secs=$((now - ${HARNESS_START:-$now}))
    printf '[conclab %02d:%02d] %s\n' $((secs / 60)) $((secs % 60)) "$*" >&2
}

# csv_value FILE COLUMN [KEY=VALUE ...]: COLUMN of the first row matching all keys.
csv_value() {
    file=$1 column=$2
    shift 2
    awk -F, -v column="$column" -v keys="$*" '
        NR == 1 { for (i = 1; i <= NF; i++) index_of[$i] = i; n = split(keys, k, " "); next }
        {
            for (j = 1; j <= n; j++) {
                split(k[j], kv, "=")
                if ($(index_of[kv[1]]) != kv[2]) next
            }
            print $(index_of[column]); exit
        }' "$file"
}

# calc EXPRESSION: awk arithmetic, three significant digits.
calc() { awk "BEGIN { printf \"%.3g\", ($1) }"; }

# verdict CONDITION: "reproduced" if the awk condition holds.
verdict() {
    if awk "BEGIN { exit !($1) }"; then echo "reproduced"; else echo "not reproduced"; fi
}

# plot_lines IN OUT key=value ...: harness/plots/lines.gp with these parameters.
plot_lines() { plot_with lines "$@"; }

# plot_bars IN OUT key=value ...: harness/plots/bars.gp with these parameters.
plot_bars() { plot_with bars "$@"; }

plot_with() {
    script=$1 in=$2 out=$3
    shift 3
    params="in='$in'; out='$out'; caption='$CAPTION'"
    for kv in "$@"; do
        key=${kv%%=*} value=${kv#*=}
        case $key in
            logx|logy|ymin|xtics) params="$params; $key=$value" ;;
            *) params="$params; $key='$value'" ;;
        esac
    done
    gnuplot -e "$params" "$HARNESS/plots/$script.gp"
}

# timed_scan OUTBASE HYPERFINE-ARGS...: hyperfine without a shell, keeping
# every run in OUTBASE.json, the summary in OUTBASE.csv and its own report
# in OUTBASE.log; one progress line per command timed.
timed_scan() {
    base=$1
    shift
    if ! hyperfine -N --style basic --export-json "$base.json" --export-csv "$base.csv" \
        "$@" >"$base.log" 2>&1; then
        cat "$base.log" >&2
        return 1
    fi
    grep '^Benchmark' "$base.log" | sed 's/^/    /' >&2
}
