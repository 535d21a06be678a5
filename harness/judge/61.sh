#!/bin/sh
# judge/61.sh - Item 61's verdicts, from the CSVs of measure/61.sh, read by
# column name. The claims and their controls: harness/claims/61.md.
set -eu
. "$HARNESS/lib.sh"
games="$RUN/61_games.csv" port="$RUN/61_port.csv" load="$RUN/61_load.csv"

# transcript SERVER DRAW: the replies a server gave in the book's games,
# one "game.try:guess:report" word per guess, then its error if any.
transcript() {
    mlr --icsv --onidx --ofs ' ' filter "\$server == \"$1\" && \$draw == \"$2\"" \
        then put '$w = $game . "." . $try . ":" . $guess . ":" . $report . $error' \
        then cut -f w "$games" | tr '\n' ' '
}
# timed_out SERVER DRAW: 1 when the games stopped on a wait that ran out
# (a 5 s receive timeout: a machine too busy to answer), else 0.
timed_out() {
    n=$(count_rows "$games" server="$1" draw="$2" error="no reply from the server (Resource temporarily unavailable)")
    [ "$n" -gt 0 ] && echo 1 || echo 0
}
original=$(transcript threads again)
guesses_of() { # the guesses alone, "4 1 5 3 | 11 10 12"
    for g in 1 2; do
        mlr --icsv --onidx filter "\$server == \"$1\" && \$draw == \"$2\" && \$game == $g" \
            then cut -f guess "$games" | paste -sd' ' -
    done | paste -sd'|' - | sed 's/|/ | /'
}

# rule 61.behaviour: the port to coroutines gives, in the book's two games,
# the very replies the thread server gave (reproduced when identical);
# inconclusive when either stopped on a 5 s timeout (a machine too busy).
port_t=$(transcript coroutines again)
same=$([ -n "$original" ] && [ "$port_t" = "$original" ] && echo 1 || echo 0)
busy=$(($(timed_out threads again) + $(timed_out coroutines again)))
v=$(decide "$same == 1" "$busy == 0" "a server did not answer within 5 s")
others=""
for s in callbacks asyncio pythreads; do
    [ "$(count_rows "$games" server="$s" draw=again)" -gt 0 ] || continue
    [ "$(transcript "$s" again)" = "$original" ] && w=same || w=differs
    others="$others, $s $w"
done
book_claim 61.behaviour "$v" "coroutines $([ "$same" = 1 ] && echo "the same $(count_rows "$games" server=threads draw=again) guesses" || echo differ) as threads ($(guesses_of threads again))$others"
figure book_guesses "$(guesses_of threads again)"
figure others_same "${others#, }"

# rule 61.behaviour.neg: the same rule, on the port that steps past a
# repeated draw instead of drawing again (a changed logic).
step_t=$(transcript coroutines step)
same=$([ "$step_t" = "$original" ] && echo 1 || echo 0)
busy=$(($(timed_out threads again) + $(timed_out coroutines step)))
v=$(decide "$same == 1" "$busy == 0" "a server did not answer within 5 s")
negative_control 61.behaviour.neg "$v" "the changed port guessed $(guesses_of coroutines step)"
figure step_guesses "$(guesses_of coroutines step)"

# rule 61.port: of the thread server's handler (serve_connection), at least
# two thirds of its code lines stay in the coroutine port unchanged or
# changed only by an await. No control: a count of source lines, which no
# load can move.
share=$(csv_value "$port" handler_share port=coroutines)
v=$(decide "$share >= 2 / 3" 1 "")
kept=$(csv_value "$port" handler_kept port=coroutines)
awaited=$(csv_value "$port" handler_awaited port=coroutines)
lines=$(csv_value "$port" handler_lines port=coroutines)
py=""
[ "$(count_rows "$port" port=cpython_asyncio)" -gt 0 ] &&
    py="; CPython's asyncio port $(calc "100 * $(csv_value "$port" handler_share port=cpython_asyncio)")%"
book_claim 61.port "$v" "$kept of $lines handler lines unchanged, $awaited changed only by an await: $(calc "100 * $share")%$py"

# rule 61.port.neg: the same rule on the callback port of the same server.
share=$(csv_value "$port" handler_share port=callbacks)
v=$(decide "$share >= 2 / 3" 1 "")
negative_control 61.port.neg "$v" "callbacks keep $(csv_value "$port" handler_kept port=callbacks) of $(csv_value "$port" handler_lines port=callbacks) handler lines: $(calc "100 * $share")%"

# rule 61.memory: at 1,000 clients the thread server's resident memory per
# connection, over the coroutine server's, in each round: reproduced when
# the median is at least 2 (twice as many connections per byte); inconclusive
# unless every run held all its clients (a run cut off by a busy machine, or
# a thread server short of one thread per connection, measures less).
n=1000
held_ok() { # held_ok SERVER: 1 when every run at N held N clients, all served
    bad=$(mlr --icsv --onidx filter "\$server == \"$1\" && \$clients == $n &&
        (\$complete != 1 || \$held < $n || (\$server =~ \"^threads\" && \$threads < $n + 2))" \
        then count "$load")
    [ "${bad:-0}" -eq 0 ] && [ "$(count_rows "$load" server="$1" clients=$n)" -gt 0 ] && echo 1 || echo 0
}
ratio_of() { # ratio_of NUM DEN: per round, NUM's KiB per connection over DEN's
    ratio_per_round "$load" "$RUN/61_ratio_$1_$2.csv" rss_per_conn_kib \
        "\$server == \"$1\" && \$clients == $n" "\$server == \"$2\" && \$clients == $n"
    median "$RUN/61_ratio_$1_$2.csv" ratio
}
r=$(ratio_of threads coroutines)
ok=$(($(held_ok threads) * $(held_ok coroutines)))
v=$(decide "$r >= 2" "$ok == 1" "a run at $n clients was cut off or held fewer")
kib() { median "$load" rss_per_conn_kib server="$1" clients=$n; }
cb=$(ratio_of threads callbacks)
py=""
if [ "$(count_rows "$load" server=asyncio clients=$n)" -gt 0 ]; then
    py="; CPython: threads $(calc "$(kib pythreads)") KiB, asyncio $(calc "$(kib asyncio)") KiB ($(calc "$(ratio_of pythreads asyncio)")x)"
fi
book_claim 61.memory "$v" "$(spread "$RUN/61_ratio_threads_coroutines.csv" ratio) as much per connection: threads $(calc "$(kib threads)") KiB, coroutines $(calc "$(kib coroutines)") KiB, callbacks $(calc "$(kib callbacks)") KiB$py"
figure memory_ratio "$r"
figure callbacks_ratio "$cb"

# rule 61.memory.neg: the same rule, the thread server against itself
# (measured twice in every round).
r=$(ratio_of threads threads_again)
ok=$(($(held_ok threads) * $(held_ok threads_again)))
v=$(decide "$r >= 2" "$ok == 1" "a run at $n clients was cut off or held fewer")
negative_control 61.memory.neg "$v" "threads over threads: $(spread "$RUN/61_ratio_threads_threads_again.csv" ratio)"

# rule 61.idle: with N = 1,000 clients connected and silent, no server
# wakes more than once a second per 10 connections, nor uses 5% of a core
# (threads that looked for a stop every 100 ms woke 10 times a second each).
worst=$(mlr --icsv --onidx filter "\$clients == $n" then stats1 -a max -f idle_wakeups_per_s "$load")
cpu=$(mlr --icsv --onidx filter "\$clients == $n" then stats1 -a max -f idle_cpu_pct "$load")
v=$(decide "$worst <= $n / 10 && $cpu < 5" 1 "")
own_measure 61.idle "$v" "at most $(calc "$worst") wake-ups a second and $(calc "$cpu")% of a core, $n idle clients (threads: $(calc "$(median "$load" idle_wakeups_per_s server=threads clients=$n)")/s)"
