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

# ---- Verdicts a busy machine cannot fool (harness/README.md, "Measuring")
#
# Compared runs are interleaved in rounds inside the program (A B A B ...),
# one CSV row per variant per round, each ratio taken against its own round.
# The verdict then rests on the median over rounds, and a control says
# whether this machine could decide the claim at all.

# stat FILE COLUMN [KEY=VALUE ...]: "median lo hi n" of COLUMN over every row
# matching all keys (lo and hi: the smallest and largest round). Prints
# "nan nan nan 0" when no row matches.
stat() {
    file=$1 column=$2
    shift 2
    awk -F, -v column="$column" -v keys="$*" '
        NR == 1 { for (i = 1; i <= NF; i++) index_of[$i] = i; n = split(keys, k, " "); next }
        {
            for (j = 1; j <= n; j++) {
                split(k[j], kv, "=")
                if ($(index_of[kv[1]]) != kv[2]) next
            }
            v[++m] = $(index_of[column]) + 0
        }
        END {
            if (m == 0) { print "nan nan nan 0"; exit }
            for (i = 2; i <= m; i++)   # insertion sort: a handful of rounds
                for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
            med = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
            printf "%.4g %.4g %.4g %d\n", med, v[1], v[m], m
        }' "$file"
}

# median FILE COLUMN [KEY=VALUE ...]: the median alone.
median() { stat "$@" | cut -d' ' -f1; }

# spread FILE COLUMN [KEY=VALUE ...]: "1.9x (1.8-2.0x over 5 rounds)".
spread() {
    stat "$@" | awk '{ printf "%.3gx (%.3g-%.3gx over %d rounds)", $1, $2, $3, $4 }'
}

# summarize IN OUT KEYS COLUMN: OUT gets one row per distinct KEYS (comma
# separated column names), with COLUMN's median, lo (min) and hi (max) over
# the rounds: KEYS...,median,lo,hi,n. For charts with error bars.
summarize() {
    in=$1 out=$2 keys=$3 column=$4
    awk -F, -v keys="$keys" -v column="$column" '
        NR == 1 {
            for (i = 1; i <= NF; i++) index_of[$i] = i
            nk = split(keys, key, ","); print keys ",median,lo,hi,n"; next
        }
        {
            id = $(index_of[key[1]])
            for (j = 2; j <= nk; j++) id = id "," $(index_of[key[j]])
            if (!(id in count)) order[++ids] = id
            val[id, ++count[id]] = $(index_of[column]) + 0
        }
        END {
            for (g = 1; g <= ids; g++) {
                id = order[g]; m = count[id]
                for (i = 1; i <= m; i++) v[i] = val[id, i]
                for (i = 2; i <= m; i++)
                    for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
                med = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
                printf "%s,%.6g,%.6g,%.6g,%d\n", id, med, v[1], v[m], m
            }
        }' "$in" >"$out"
}

# decide CLAIM CONTROL WHY: the verdict of one claim, given
#   CLAIM    an awk condition that holds when the data show the book's claim;
#   CONTROL  an awk condition that holds when this run could decide it at
#            all ("1" when nothing can spoil it);
#   WHY      what the control measured, for the reader, when it fails
#            ("the no-GIL control reached 0.66x on 2 cores").
# Prints "reproduced", "not reproduced" or "inconclusive (machine busy: WHY)".
decide() {
    if ! awk "BEGIN { exit !($2) }"; then
        echo "inconclusive (machine busy: $3)"
    elif awk "BEGIN { exit !($1) }"; then
        echo "reproduced"
    else
        echo "not reproduced"
    fi
}

# judging: true when the script should only judge, from the CSVs already in
# $RUN (JUDGE_ONLY=1: the smoke test's doctored data), without measuring.
measuring() { [ "${JUDGE_ONLY:-0}" != 1 ]; }

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
            logx|logy|ymin|ymax|xmin|xmax|xtics) params="$params; $key=$value" ;;
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
