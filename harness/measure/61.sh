#!/bin/sh
# measure/61.sh - Item 61's data, as CSV in $RUN:
#   61_port.csv      the port measured on the sources: of the original handler's
#                    code lines, how many the port kept, wrapped in an await,
#                    changed otherwise, or dropped (C: guess_threads.c against
#                    guess_coroutines.c and guess_callbacks.c; CPython:
#                    handle_connection against handle_async_connection)
#   61_games.csv     the book's games on every server, one row per guess
#   61_guesses.csv   the guesses seed 1234 draws on every CPython found
#   61_versions.csv  CPython's asyncio and thread servers' games, per version
#   61_load.csv      every server under N clients: memory, idle CPU, games/s
set -eu
. "$HARNESS/lib.sh"
bench="$BIN/61_asyncio_port-bench"
items=$HARNESS/../items/61_asyncio_port
server_py=$HARNESS/python/61_server.py

# ---- The port, line by line --------------------------------------------------
# c_code FILE [indented]: the code lines of a C file, trimmed (or only
# their ends, with "indented"): comments, blank lines and #include lines out
# (the includes say which calls a file uses, not its logic).
c_code() {
    awk -v indented="${2:-}" '{
        line = $0; out = ""
        while (line != "") {
            if (in_comment) {
                e = index(line, "*/"); if (!e) { line = ""; break }
                line = substr(line, e + 2); in_comment = 0
            } else {
                s = index(line, "/*"); if (!s) { out = out line; break }
                out = out substr(line, 1, s - 1); line = substr(line, s + 2); in_comment = 1
            }
        }
        sub(/[ \t]+$/, "", out)
        if (out ~ /^[ \t]*$/ || out ~ /^#include/) next
        if (indented == "") sub(/^[ \t]+/, "", out)
        print out
    }' "$1"
}
# py_function FILE NAME: the code lines of one Python function, trimmed, comments out.
py_function() {
    awk -v name="$2" '
        $0 ~ "^(async )?def " name "\\(" { on = 1 }
        on && /^[^ \t#]/ && $0 !~ "def " name "\\(" { on = 0 }
        on { sub(/[ \t]*#.*$/, ""); gsub(/^[ \t]+|[ \t]+$/, ""); if ($0 != "") print }' "$1"
}
# in_function NAME: flags, one per (indented) code line on stdin: 1 inside
# the C function NAME (its definition to its closing brace), else 0.
in_function() {
    awk -v name="$1" '{ if ($0 ~ "^static .*[ *]" name "\\(") on = 1; print on ? 1 : 0; if (on && $0 == "}") on = 0 }'
}
# port_row NAME ORIGINAL PORT FLAGS AWAIT: one CSV row. ORIGINAL and PORT
# are code lines; FLAGS marks the original's handler lines; AWAIT is the
# sed expression that takes the await off a port line (a line that then
# reads as the original's was "changed only by an await").
port_row() {
    diff "$2" "$3" | sed '/^> /{
s/^> /> /
'"$5"'
}' | awk -v name="$1" -v flags="$4" -v total="$(wc -l <"$2")" '
        BEGIN { while ((getline f < flags) > 0) inh[++n] = f }
        function flush(   i, j, hit) {
            for (i = 1; i <= nl; i++) {
                hit = 0
                for (j = 1; j <= nr; j++) if (R[j] == L[i]) hit = 1
                k = hit ? "awaited" : (nr ? "changed" : "removed")
                all[k]++; if (inh[at[i]]) h[k]++
            }
            added += nr; nl = nr = 0
        }
        /^[0-9]/ { flush(); split($0, range, /[acd]/); split(range[1], ab, ","); line = ab[1]; next }
        /^< / { L[++nl] = substr($0, 3); at[nl] = line++; next }
        /^> / { R[++nr] = substr($0, 3); next }
        END {
            flush()
            for (i = 1; i <= n; i++) hl += inh[i]
            kept = total - all["awaited"] - all["changed"] - all["removed"]
            hkept = hl - h["awaited"] - h["changed"] - h["removed"]
            printf "%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f\n", name, total, kept,
                all["awaited"] + 0, all["changed"] + 0, all["removed"] + 0, added + 0,
                hl, hkept, h["awaited"] + 0, hl - hkept - h["awaited"],
                (kept + all["awaited"]) / total, (hkept + h["awaited"]) / hl }'
}

if measuring; then
    progress "61: the port, counted on the sources"
    scratch=$(mktemp -d)
    c_code "$items/guess_threads.c" >"$scratch/threads"
    c_code "$items/guess_threads.c" indented | in_function serve_connection >"$scratch/flags"
    c_await='s/^> \([ \t]*\)CORO_AWAIT_IO(self, [^,]*, [^,]*, \(.*\));$/> \1\2;/'
    {
        echo "port,original_lines,kept,awaited,changed,removed,added,handler_lines,handler_kept,handler_awaited,handler_otherwise,share,handler_share"
        for port in coroutines callbacks; do
            c_code "$items/guess_$port.c" >"$scratch/$port"
            port_row "$port" "$scratch/threads" "$scratch/$port" "$scratch/flags" "$c_await"
        done
        if [ -f "$server_py" ]; then
            py_function "$server_py" handle_connection >"$scratch/py_threads"
            py_function "$server_py" handle_async_connection >"$scratch/py_asyncio"
            awk '{ print 1 }' "$scratch/py_threads" >"$scratch/py_flags"
            port_row cpython_asyncio "$scratch/py_threads" "$scratch/py_asyncio" "$scratch/py_flags" \
                's/^> \(.*\)await \(.*\)$/> \1\2/; s/^> async /> /'
        fi
    } >"$RUN/61_port.csv"
    rm -rf "$scratch"

    py=$(pythons | head -n 1 | cut -d' ' -f2)
    pyflag=""
    [ -n "$py" ] && pyflag=--python
    progress "61: the book's games on every server${py:+ (CPython $(pythons | head -n 1 | cut -d' ' -f1) too)}"
    # shellcheck disable=SC2086 # $pyflag: empty or one flag
    CONCLAB_PYTHON=$py "$bench" --part games $pyflag >"$RUN/61_games.csv"

    echo "python,game,try,guess" >"$RUN/61_guesses.csv"
    echo "python,server,draw,game,try,guess,report,error" >"$RUN/61_versions.csv"
    pythons | while read -r version path; do
        "$path" "$HARNESS/python/61_guesses.py" | tail -n +2 >>"$RUN/61_guesses.csv" || true
        case $version in 2.*|3.[0-5]) continue ;; esac # asyncio's streams as used: 3.6+
        for server in asyncio pythreads; do
            CONCLAB_PYTHON=$path "$bench" --part games --server "$server" |
                tail -n +2 | sed "s/^/$version,/" >>"$RUN/61_versions.csv"
        done
    done

    if [ "$QUICK" = 1 ]; then
        clients=10,1000 rounds=2 py_rounds=1 big="" hold=0.2
    else
        clients=10,100,1000 rounds=3 py_rounds=2 big=10000 hold=0.3
    fi
    progress "61: $clients clients on every server, $rounds interleaved rounds"
    "$bench" --part load --clients "$clients" --rounds "$rounds" --sessions 2 --hold-s "$hold" \
        >"$RUN/61_load.csv"
    if [ -n "$big" ]; then
        progress "61: $big clients, once, on each C server"
        for server in threads coroutines callbacks; do
            "$bench" --part load --server "$server" --clients "$big" --rounds 1 --sessions 2 \
                --hold-s "$hold" | tail -n +2 >>"$RUN/61_load.csv"
        done
    fi
    if [ -n "$py" ]; then
        progress "61: CPython's asyncio and thread servers, 1000 clients"
        for server in asyncio pythreads; do
            CONCLAB_PYTHON=$py "$bench" --part load --server "$server" --clients 1000 \
                --rounds "$py_rounds" --sessions 2 --hold-s "$hold" | tail -n +2 >>"$RUN/61_load.csv"
        done
    fi
fi
