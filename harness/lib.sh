# lib.sh - helpers for the harness scripts (POSIX sh). Sourced, not run.
# harness/README.md describes each helper. Every CSV is read by column name,
# through Miller (mlr): one implementation of median, range and selection.

progress() {
    _now=$(date +%s)
    _secs=$((_now - ${HARNESS_START:-$_now}))
    printf '[conclab %02d:%02d] %s\n' $((_secs / 60)) $((_secs % 60)) "$*" >&2
    # run.sh's heartbeat speaks up only after a silence; this ends one.
    [ -n "${PROGRESS_STAMP:-}" ] && [ -d "${PROGRESS_STAMP%/*}" ] && touch "$PROGRESS_STAMP" 2>/dev/null
    return 0
}

# measuring: true unless JUDGE_ONLY=1 (judge the CSVs already in $RUN).
measuring() { [ "${JUDGE_ONLY:-0}" != 1 ]; }

# ---- Selecting rows by column name ----------------------------------------
# KEY=VALUE arguments select the rows whose KEY column reads exactly VALUE.

# mlr_filter KEY=VALUE ...: the Miller filter expression for those keys.
mlr_filter() {
    _expr="true"
    for _kv in "$@"; do
        _key=${_kv%%=*} _value=${_kv#*=}
        _expr="$_expr && string(\$$_key) == \"$_value\""
    done
    printf '%s' "$_expr"
}

# select_rows FILE [KEY=VALUE ...]: the matching rows, header first (CSV).
select_rows() {
    _file=$1
    shift
    mlr --icsv --ocsv filter "$(mlr_filter "$@")" "$_file"
}

# csv_value FILE COLUMN [KEY=VALUE ...]: COLUMN of the first matching row.
csv_value() {
    _file=$1 _column=$2
    shift 2
    mlr --icsv --ocsv --headerless-csv-output filter "$(mlr_filter "$@")" \
        then head -n 1 then cut -f "$_column" "$_file"
}

# count_rows FILE [KEY=VALUE ...]: how many rows match.
count_rows() {
    _file=$1
    shift
    _n=$(mlr --icsv --ocsv --headerless-csv-output filter "$(mlr_filter "$@")" then count "$_file")
    echo "${_n:-0}"
}

# ---- Median and range over rounds (harness/README.md, "Measuring") --------

# stat FILE COLUMN [KEY=VALUE ...]: "median lo hi n" of COLUMN over every
# matching row (lo, hi: the smallest and largest round); "nan nan nan 0"
# when none matches. The median of an even count is the mean of the middle two.
stat() {
    _file=$1 _column=$2
    shift 2
    stat_where "$_file" "$_column" "$(mlr_filter "$@")"
}

# stat_where FILE COLUMN FILTER: the same over the rows a Miller filter
# expression picks ('$executor != "serial"'); median_where, lowest_where and
# highest_where give one of the three.
stat_where() {
    _out=$(mlr --icsv --onidx --ofs ' ' filter "($3) && is_present(\$$2) && \$$2 != \"\"" \
        then stats1 -i -a p50,min,max,count -f "$2" "$1")
    [ -n "$_out" ] || _out="nan nan nan 0"
    echo "$_out" | awk '{ printf "%.10g %.10g %.10g %d\n", $1, $2, $3, $4 }'
}
median_where() { stat_where "$@" | cut -d' ' -f1; }
lowest_where() { stat_where "$@" | cut -d' ' -f2; }
highest_where() { stat_where "$@" | cut -d' ' -f3; }

# top_row FILE COLUMN FIELDS [FILTER]: the FIELDS (comma-separated names) of
# the row with the largest COLUMN among those FILTER picks, space-separated.
top_row() {
    mlr --icsv --onidx --ofs ' ' filter "${4:-true}" then sort -nr "$2" then head -n 1 \
        then cut -o -f "$3" "$1"
}

median() { stat "$@" | cut -d' ' -f1; }
lowest() { stat "$@" | cut -d' ' -f2; }
highest() { stat "$@" | cut -d' ' -f3; }
rounds_of() { stat "$@" | cut -d' ' -f4; }

# spread FILE COLUMN [KEY=VALUE ...]: "1.9x (1.8-2.0x over 5 rounds)".
spread() {
    stat "$@" | awk '{ printf "%.3gx (%.3g-%.3gx over %d rounds)", $1, $2, $3, $4 }'
}

# spread_in UNIT FILE COLUMN [KEY=VALUE ...]: "5.3 ms (5.1-5.9 over 5 rounds)".
spread_in() {
    _unit=$1
    shift
    stat "$@" | awk -v u="$_unit" '{ printf "%.3g%s (%.3g-%.3g over %d rounds)", $1, u, $2, $3, $4 }'
}

# summarize IN OUT KEYS COLUMN: one row per distinct KEYS (comma-separated
# column names) with COLUMN's median, lo, hi and n over the rounds, in the
# order the groups first appear: the input of a chart with error bars.
summarize() {
    _in=$1 _out=$2 _keys=$3 _column=$4
    mlr --icsv --ocsv stats1 -i -a p50,min,max,count -f "$_column" -g "$_keys" \
        then rename "${_column}_p50,median,${_column}_min,lo,${_column}_max,hi,${_column}_count,n" \
        "$_in" >"$_out"
}

# ratio_per_round IN OUT COLUMN NUMERATOR DENOMINATOR [JOIN]: for every row
# matching the Miller filter NUMERATOR, its COLUMN divided by COLUMN of the
# row matching DENOMINATOR that shares its JOIN columns (default: round).
# OUT keeps the numerator rows' columns and adds `ratio`. A ratio is taken
# within its own round, so a neighbour that slows a round slows both sides.
ratio_per_round() {
    _in=$1 _out=$2 _column=$3 _num=$4 _den=$5 _join=${6:-round}
    _base=$(mktemp)
    mlr --icsv --ocsv filter "$_den" then cut -f "$_join,$_column" \
        then rename "$_column,ratio_base_" "$_in" >"$_base"
    mlr --icsv --ocsv filter "$_num" then join -j "$_join" -f "$_base" \
        then filter '$ratio_base_ != 0' then put '$ratio = $'"$_column"' / $ratio_base_' \
        then cut -x -f ratio_base_ "$_in" >"$_out"
    rm -f "$_base"
}

# ---- Arithmetic and verdicts ----------------------------------------------

# calc EXPRESSION: awk arithmetic, three significant digits.
calc() { awk "BEGIN { printf \"%.3g\", ($1) }"; }

# holds CONDITION: true if the awk condition holds ("2.1 > 1.5").
holds() { awk "BEGIN { exit !($1) }"; }

# decide CLAIM CONTROL WHY: the verdict of one claim, given
#   CLAIM    an awk condition that holds when the data show the book's claim;
#   CONTROL  an awk condition that holds when this run could decide it at
#            all ("1" when nothing can spoil it);
#   WHY      what the control measured, for the reader, when it fails.
# Prints "reproduced", "not reproduced" or "inconclusive (machine busy: WHY)".
decide() {
    if ! holds "$2"; then
        echo "inconclusive (machine busy: $3)"
    elif holds "$1"; then
        echo "reproduced"
    else
        echo "not reproduced"
    fi
}


# The judge's output. Each line of $RUN/$ITEM.verdicts is
#   TABLE <tab> ID <tab> VERDICT <tab> FIGURE
# TABLE: book (the book's claims), negative (a claim's rule on a run with
# one knob turned, which must come out "not reproduced"), own (conclab's
# own measurements). ID names the claim in harness/claims.md and the
# "# rule ID" line of harness/judge/NN.sh. VERDICT is what decide printed:
# the "machine busy" reason of an inconclusive one moves to the figure.
verdict_line() {
    _table=$1 _id=$2 _v=$3 _figure=$4
    case $_v in
        "inconclusive ("*) _why=${_v#inconclusive (}; _why=${_why%)}; _v=inconclusive; _figure="$_why; $_figure" ;;
    esac
    printf '%s\t%s\t%s\t%s\n' "$_table" "$_id" "$_v" "$_figure" | tr -d '\r' >>"$RUN/$ITEM.verdicts"
}
book_claim() { verdict_line book "$@"; }
negative_control() { verdict_line negative "$@"; }
own_measure() { verdict_line own "$@"; }

# figure NAME VALUE: a figure the judge computed, for the report's words
# ($RUN/$ITEM.figures, sourced by harness/report/NN.sh).
figure() {
    printf "%s='%s'\n" "$1" "$(printf '%s' "$2" | sed "s/'/'\\\\''/g")" >>"$RUN/$ITEM.figures"
}

# ---- CPython, every version found ------------------------------------------

# pythons: "VERSION PATH" lines, one per CPython interpreter found: python3
# on the PATH first (the default), then every pyenv version and pythonX.Y on
# the PATH. PYTHONS="/path/a /path/b" names them instead. QUICK runs take
# the first alone. Prints nothing where there is no Python: it is optional.
pythons() {
    {
        if [ -n "${PYTHONS:-}" ]; then
            for _p in $PYTHONS; do echo "$_p"; done
        else
            command -v python3 2>/dev/null
            if [ "${QUICK:-0}" != 1 ]; then
                for _p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/python \
                    /usr/bin/python3.[0-9]* /usr/bin/python2.7; do
                    [ -x "$_p" ] && echo "$_p"
                done
            fi
        fi
    } | while read -r _p; do
        # pyenv's shim for python3 stands for one real interpreter: ask it which.
        _real=$("$_p" -c 'import sys; print(sys.executable)' 2>/dev/null) || continue
        _v=$("$_p" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
        echo "$_v $_real"
    done | awk '!seen[$1]++' | if [ "${QUICK:-0}" = 1 ] && [ -z "${PYTHONS:-}" ]; then head -n 1; else cat; fi
}

# each_python OUT SCRIPT ARGS...: runs harness/python/SCRIPT with ARGS on
# every interpreter `pythons` finds, one CSV into OUT (the header once); an
# interpreter whose run fails is left out, with a progress line. No OUT when
# none ran.
each_python() {
    _out=$1 _script=$2
    shift 2
    _list=$(pythons)
    rm -f "$_out"
    [ -n "$_list" ] || return 0
    _first=1
    printf '%s\n' "$_list" | while read -r _version _python; do
        if _rows=$("$_python" "$HARNESS/python/$_script" "$@" </dev/null); then
            if [ "$_first" = 1 ]; then echo "$_rows"; else echo "$_rows" | tail -n +2; fi
            _first=0
        else
            progress "$_script on CPython $_version failed; left out"
        fi
    done >"$_out"
    [ -s "$_out" ] || rm -f "$_out"
}

# ---- Charts: harness/plots/*.gp, parameters by name -----------------------

# plot_lines IN OUT key=value ...: harness/plots/lines.gp (see its header).
plot_lines() { plot_with lines "$@"; }
# plot_points IN OUT key=value ...: categories on x, a point per group with
# its range (harness/plots/points.gp): for values that span decades.
plot_points() { plot_with points "$@"; }
# plot_bars IN OUT key=value ...: clustered bars on a linear axis (bars.gp).
plot_bars() { plot_with bars "$@"; }

plot_with() {
    _script=$1 _in=$2 _out=$3
    shift 3
    _params="in='$_in'; out='$_out'; caption='$(gp_quote "$CAPTION")'; style='$HARNESS/plots/style.gp'"
    for _kv in "$@"; do
        _key=${_kv%%=*} _value=${_kv#*=}
        case $_key in
            logx|logy|ymin|ymax|xmin|xmax|xtics) _params="$_params; $_key=$_value" ;;
            *) _params="$_params; $_key='$(gp_quote "$_value")'" ;;
        esac
    done
    gnuplot -e "$_params" "$HARNESS/plots/$_script.gp"
}

# gp_quote TEXT: TEXT for inside a gnuplot single-quoted string ("it's" -> "it''s").
gp_quote() { printf '%s' "$1" | sed "s/'/''/g"; }

# timed_scan OUTBASE HYPERFINE-ARGS...: hyperfine without a shell, keeping
# every run in OUTBASE.json, the summary in OUTBASE.csv and its own report
# in OUTBASE.log; one progress line per command timed.
timed_scan() {
    _base=$1
    shift
    if ! hyperfine -N --style basic --export-json "$_base.json" --export-csv "$_base.csv" \
        "$@" >"$_base.log" 2>&1; then
        cat "$_base.log" >&2
        return 1
    fi
    grep '^Benchmark' "$_base.log" | sed 's/^/    /' >&2
}
