#!/bin/sh
# report/61.sh - Item 61's section of the report, on stdout.
set -eu
. "$HARNESS/lib.sh"
. "$RUN/61.figures"
games="$RUN/61_games.csv" port="$RUN/61_port.csv" load="$RUN/61_load.csv"
verdict_of() { awk -F'\t' -v id="$1" '$2 == id { print $3; exit }' "$RUN/61.verdicts"; }
root=../../..

cat <<EOT
## Item 61: port threaded I/O to asyncio ([items/61_asyncio_port]($root/items/61_asyncio_port/README.md))

The book's number-guessing game over TCP lines, served by a thread per
connection (\`guess_threads.c\`, the book's first server), by its port to
Item 60's coroutines, line for line (\`guess_coroutines.c\`), by the port a C
programmer writes without coroutines, libevent callbacks
(\`guess_callbacks.c\`), and, where CPython is found, by both of the book's
servers in Python (\`harness/python/61_server.py\`). Every server draws with
CPython's \`random.randint\`, seeded once with 1234, as the book's server.

**The port keeps the behaviour** (\`61.behaviour\`: **$(verdict_of 61.behaviour)**). The book's
client played its two games against each server. The guesses, game by game:
$book_guesses on the thread server, as in the book; the port's the same, and
$others_same. A port that steps past a repeated draw instead of drawing
again guessed $step_guesses (\`61.behaviour.neg\`: **$(verdict_of 61.behaviour.neg)**).

| game | try | threads | coroutines | the client's report | changed port |
|---:|---:|---:|---:|---|---:|
EOT
for g in 1 2; do
    for t in 1 2 3 4 5; do
        guess=$(csv_value "$games" guess server=threads draw=again game="$g" try="$t")
        c=$(csv_value "$games" guess server=coroutines draw=again game="$g" try="$t")
        report=$(csv_value "$games" report server=threads draw=again game="$g" try="$t")
        st=$(csv_value "$games" guess server=coroutines draw=step game="$g" try="$t")
        [ -n "$guess$c$st" ] && echo "| $g | $t | ${guess:--} | ${c:--} | ${report:--} | ${st:--} |"
    done
done
cat <<EOT

**The port is straightforward** (\`61.port\`: **$(verdict_of 61.port)**; the callback port,
\`61.port.neg\`: **$(verdict_of 61.port.neg)**). Of the thread server's connection handler,
\`serve_connection\`, what each port kept (code lines, measured with \`diff\`
on the sources; the README shows the diff):

| port | handler lines | kept unchanged | changed only by an await | changed otherwise or gone | share kept | whole file kept |
|---|---:|---:|---:|---:|---:|---:|
EOT
mlr --icsv --onidx --ofs ' ' cat "$port" | while read -r name orig kept awaited changed removed added hl hk ha ho share hshare; do
    printf '| %s | %s | %s | %s | %s | %.0f%% | %.0f%% of %s |\n' "$name" "$hl" "$hk" "$ha" "$ho" \
        "$(calc "100 * $hshare")" "$(calc "100 * $share")" "$orig"
done
cat <<EOT

![Item 61, the port line by line](61_port.svg)

**Many more connections per byte** (\`61.memory\`: **$(verdict_of 61.memory)**; the thread server
against itself, \`61.memory.neg\`: **$(verdict_of 61.memory.neg)**). Each server, a fresh process,
held N clients that had played the book's games and then waited; its
resident memory with all N connected, less its memory before, over N.
At 1,000 clients a thread took $(calc "$memory_ratio") times the coroutine's memory
(a callback server's connection: $(calc "$callbacks_ratio") times less than a thread). A thread's cost is the pages
of its stack it touched and its kernel task; its 8 MiB stack is reserved
address space, which RSS does not count. While idle, no server woke
(\`61.idle\`: **$(verdict_of 61.idle)**).

![Item 61, memory per connection](61_memory.svg)

| server | clients | rounds | KiB per connection | RSS (MiB) | threads | games/s | p99 (ms) | wake-ups/s idle |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
EOT
for n in $(mlr --icsv --onidx cut -f clients then uniq -a then sort -n clients "$load"); do
    for s in threads coroutines callbacks asyncio pythreads; do
        [ "$(count_rows "$load" server="$s" clients="$n")" -gt 0 ] || continue
        printf '| %s | %s | %s | %.2f | %.1f | %.0f | %.0f | %.1f | %.0f |\n' "$s" "$n" \
            "$(rounds_of "$load" rss_kib server="$s" clients="$n")" \
            "$(median "$load" rss_per_conn_kib server="$s" clients="$n")" \
            "$(calc "$(median "$load" rss_kib server="$s" clients="$n") / 1024")" \
            "$(csv_value "$load" threads server="$s" clients="$n")" \
            "$(median "$load" sessions_per_s server="$s" clients="$n")" \
            "$(calc "$(median "$load" p99_us server="$s" clients="$n") / 1000")" \
            "$(median "$load" idle_wakeups_per_s server="$s" clients="$n")"
    done
done
cat <<EOT

Games per second and latency are not the book's claims (it makes none);
they are shown for what the ports cost. Every client asks at once, so at
large N a request mostly waits in line.

![Item 61, games per second](61_throughput.svg)

![Item 61, p99 latency](61_p99.svg)
EOT
if [ -s "$RUN/61_guesses.csv" ] && [ "$(count_rows "$RUN/61_guesses.csv")" -gt 0 ]; then
    cat <<EOT

**CPython, version by version.** The guesses \`random.seed(1234)\` draws for
the book's games, and whether CPython's asyncio and thread servers played
the thread server's transcript:

| CPython | guesses, game 1 \| game 2 | asyncio server | thread server |
|---|---|---|---|
EOT
    for v in $(mlr --icsv --onidx cut -f python then uniq -a "$RUN/61_guesses.csv" | sort -t. -k1,1n -k2,2n); do
        g=$(for game in 1 2; do mlr --icsv --onidx filter "\$python == \"$v\" && \$game == $game" \
            then cut -f guess "$RUN/61_guesses.csv" | paste -sd' ' -; done | paste -sd'|' - | sed 's/|/ \\| /')
        same() {
            [ "$(count_rows "$RUN/61_versions.csv" python="$v" server="$1")" -gt 0 ] || { echo "not run (61_server.py needs 3.6)"; return; }
            a=$(mlr --icsv --onidx filter "\$python == \"$v\" && \$server == \"$1\" && \$draw == \"again\"" \
                then cut -o -f game,try,guess,report "$RUN/61_versions.csv" | paste -sd' ' -)
            b=$(mlr --icsv --onidx filter '$server == "threads" && $draw == "again"' \
                then cut -o -f game,try,guess,report "$games" | paste -sd' ' -)
            [ "$a" = "$b" ] && echo "the same" || echo "differs"
        }
        echo "| $v | $g | $(same asyncio) | $(same pythreads) |"
    done
    cat <<EOT

Python 2.7's \`randint\` was \`int(random() * n)\`; since 3.2 it is
\`_randbelow\` on \`getrandbits\`, which \`guess_random.c\` follows: the same seed
draws other numbers on 2.7.
EOT
fi
cat <<EOT

Raw data: [61_games.csv](61_games.csv), [61_port.csv](61_port.csv),
[61_load.csv](61_load.csv), [61_guesses.csv](61_guesses.csv),
[61_versions.csv](61_versions.csv).
EOT
