#!/bin/sh
# Item 61: porting a threaded server to the event loop. The book's two games
# on every server (the transcripts must match exactly); then the same load on
# each, N connections at once, in interleaved rounds: sessions per second,
# p50/p99 latency per request, and the server's memory and threads.
set -eu
. "$HARNESS/lib.sh"

prog="$BIN/61_asyncio_port"
if [ "$QUICK" = 1 ]; then
    clients=10,200 big="" rounds=3 seconds=5
else
    clients=10,100,1000 big=10000 rounds=3 seconds=20
fi
servers="threads event"
pyflag=""
python_note="CPython was not available on this machine, so only the C servers were run."
if command -v python3 >/dev/null 2>&1; then
    servers="threads event asyncio" pyflag=--python
    python_note="The asyncio server is \`harness/python/61_server.py\` on $(python3 --version 2>&1)."
fi

if measuring; then
    progress "61: the book's two games on each server: $servers"
    for s in $servers; do
        "$prog" --mode transcript --server "$s" >"$RUN/61_transcript_$s.txt"
    done
    progress "61: load at $clients clients, $rounds interleaved rounds, 2 games per client"
    # shellcheck disable=SC2086 # $pyflag is empty or one flag
    "$prog" --mode bench --csv $pyflag --clients "$clients" --rounds "$rounds" --sessions 2 \
        --seconds "$seconds" >"$RUN/61_load.csv"
    if [ -n "$big" ]; then
        progress "61: load at $big clients, one round, 1 game per client"
        # shellcheck disable=SC2086 # $pyflag is empty or one flag
        "$prog" --mode bench --csv $pyflag --clients "$big" --rounds 1 --sessions 1 \
            --seconds "$seconds" | tail -n +2 >>"$RUN/61_load.csv"
    fi
fi
csv="$RUN/61_load.csv"
servers=$(awk -F, 'NR > 1 && !seen[$2]++ { printf "%s%s", sep, $2; sep = " " }' "$csv")

# ---- Claim 1: the port keeps the behaviour (exact: no busy machine can spoil it).
same=1 lines=0
for s in $servers; do
    f="$RUN/61_transcript_$s.txt"
    if [ ! -s "$f" ] || ! cmp -s "$f" "$RUN/61_transcript_threads.txt"; then same=0; fi
done
lines=$(wc -l <"$RUN/61_transcript_threads.txt")
same_ok=$(verdict "$same == 1")
differs=""
[ "$same" = 1 ] || differs=" (see the diff below)"

# ---- Claim 2: memory per connection, threads against event, per round.
# Judged at the largest N measured in every round (the N = $big run, if any,
# has one round only and is shown beside).
judge_n=$(awk -F, -v r="$rounds" 'NR > 1 && $1 == r && $3 > m { m = $3 } END { print m + 0 }' "$csv")
[ "$judge_n" -gt 0 ] || judge_n=$(awk -F, 'NR > 1 && $3 > m { m = $3 } END { print m + 0 }' "$csv")
ratio_csv() { # ratio_csv OTHER: per round, threads' KiB per connection over OTHER's
    awk -F, -v n="$judge_n" -v other="$1" 'NR == 1 { print "round,ratio"; next }
        $3 == n && $2 == "threads" { t[$1] = $12 }
        $3 == n && $2 == other { o[$1] = $12 }
        END { for (r in t) if (r in o) printf "%s,%.4f\n", r, (o[r] > 0 ? t[r] / o[r] : 0) }' "$csv"
}
ratio_csv event >"$RUN/61_memory_ratio.csv"
mem_ratio=$(median "$RUN/61_memory_ratio.csv" ratio)
mem_spread=$(spread "$RUN/61_memory_ratio.csv" ratio)
kib() { median "$csv" rss_per_conn_kib server="$1" clients="$judge_n"; }
threads_kib=$(calc "$(kib threads)") event_kib=$(calc "$(kib event)")
# The control: every run at that N finished with every client served, and the
# thread server really held one thread per connection while they were open.
control_bad=$(awk -F, -v n="$judge_n" 'NR > 1 && $3 == n &&
    ($5 != 1 || $18 != 0 || $12 <= 0 || ($2 == "threads" && $13 != n + 1)) { bad++ } END { print bad + 0 }' "$csv")
mem_ok=$(decide "$mem_ratio > 2" "$control_bad == 0" \
    "$control_bad load run(s) at $judge_n clients were cut off, lost clients, or the thread server held fewer than one thread per connection")
py_mem=""
if echo "$servers" | grep -q asyncio; then
    ratio_csv asyncio >"$RUN/61_memory_ratio_asyncio.csv"
    py_mem="; asyncio $(calc "$(kib asyncio)") KiB, threads / asyncio = $(spread "$RUN/61_memory_ratio_asyncio.csv" ratio)"
fi

{
    echo "| 61 | the port keeps the behaviour | $same_ok: $(echo "$servers" | wc -w) servers ($servers), the book's two games, $lines-line transcripts$([ "$same" = 1 ] && echo ", identical" || echo ", not identical") |"
    echo "| 61 | the event loop serves many more connections per byte of memory | $mem_ok: at $judge_n clients the thread server took ${threads_kib} KiB per connection, the event server ${event_kib} KiB: $mem_spread$py_mem |"
} >"$RUN/61.verdicts"

# ---- Charts: median over rounds, the spread as error bars.
labels=""
for s in $servers; do
    case $s in
        threads) labels="$labels thread_per_connection" ;;
        event) labels="$labels libevent_loop" ;;
        asyncio) labels="$labels CPython_asyncio" ;;
    esac
done
labels=${labels# }
for col in sessions_per_s p99_us rss_kib; do
    summarize "$csv" "$RUN/61_${col}_chart.csv" server,clients "$col"
done
# The two log charts in ms and MiB, so their ticks read 1, 10, 100, not 1e+06.
rescale() { # IN OUT DIVISOR: median, lo and hi (columns 3-5) divided
    awk -F, -v OFS=, -v d="$3" 'NR > 1 { for (i = 3; i <= 5; i++) $i = $i / d } 1' "$1" >"$2"
}
rescale "$RUN/61_p99_us_chart.csv" "$RUN/61_p99_ms_chart.csv" 1000
rescale "$RUN/61_rss_kib_chart.csv" "$RUN/61_rss_mib_chart.csv" 1024
rm -f "$RUN/61_p99_us_chart.csv" "$RUN/61_rss_kib_chart.csv"
plot_lines "$RUN/61_sessions_per_s_chart.csv" "$RUN/61_throughput" \
    title="Item 61: games played per second, N clients at once on loopback" \
    xlabel="concurrent clients (connections)" ylabel="sessions (games) per second" \
    xcol=clients ycol=median lowcol=lo highcol=hi groupcol=server groups="$servers" \
    labels="$labels" logx=10 ymin=0
plot_lines "$RUN/61_p99_ms_chart.csv" "$RUN/61_p99" \
    title="Item 61: 99th percentile of a NUMBER round trip" \
    xlabel="concurrent clients (connections)" ylabel="p99 latency per request (ms)" \
    xcol=clients ycol=median lowcol=lo highcol=hi groupcol=server groups="$servers" \
    labels="$labels" logx=10 logy=10
plot_lines "$RUN/61_rss_mib_chart.csv" "$RUN/61_memory" \
    title="Item 61: server resident memory with N clients connected" \
    xlabel="concurrent clients (connections)" ylabel="server resident memory, RSS (MiB)" \
    xcol=clients ycol=median lowcol=lo highcol=hi groupcol=server groups="$servers" \
    labels="$labels" logx=10 logy=10

soft=$(csv_value "$csv" nofile_soft round=1)
hard=$(csv_value "$csv" nofile_hard round=1)
leaked=$(awk -F, 'NR > 1 { s += $17 } END { print s + 0 }' "$csv")
failed=$(awk -F, 'NR > 1 { s += $18 } END { print s + 0 }' "$csv")
largest=$(awk -F, 'NR > 1 && $3 > m { m = $3 } END { print m + 0 }' "$csv")

{
    cat <<EOT
## Item 61: porting threaded I/O to the event loop ([items/61_asyncio_port](../../items/61_asyncio_port/README.md))

The book's number-guessing game over TCP lines, served three ways from one
session state machine (\`items/61_asyncio_port/guess.c\`): a thread per
connection (\`guess_threads.c\`), its port to a libevent loop
(\`guess_event.c\`), and CPython's asyncio where present. $python_note

**The book's claim: the port keeps the behaviour.** The book's two games
(1 to 5, secret 3; 10 to 15, secret 12) were played against each server with
the same seed. **Verdict: $same_ok**: the $lines-line transcripts of
$servers were $([ "$same" = 1 ] && echo "identical, byte for byte" || echo "not identical$differs").

**The claim: the event loop serves many more connections per byte of
memory.** One load client on libevent opened N connections to each server at
once, then every client played its games; the server's resident memory was
read from \`/proc/<pid>/status\` with all N connections open, less its memory
before the load, over N. Rounds interleave the servers. At **$judge_n clients**
the thread server took **${threads_kib} KiB** per connection and the event
server **${event_kib} KiB**: threads / event = **$mem_spread**$py_mem.
The control: every run at that N finished, lost no client, and the thread
server held one thread per connection. **Verdict: $mem_ok.**

![Item 61, memory](61_memory.svg)

![Item 61, throughput](61_throughput.svg)

![Item 61, p99 latency](61_p99.svg)

Medians over the rounds (the largest N, if it is beyond $judge_n, ran once):

| server | clients | rounds | sessions/s | p50 (us) | p99 (us) | threads | RSS (KiB) | KiB per connection |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
EOT
    for n in $(awk -F, 'NR > 1 { print $3 }' "$csv" | sort -nu); do
        for s in $servers; do
            # shellcheck disable=SC2046 # stat's four words, split on purpose
            set -- $(stat "$csv" sessions_per_s server="$s" clients="$n")
            [ "$4" -gt 0 ] || continue
            printf '| %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f |\n' "$s" "$n" "$4" "$1" \
                "$(median "$csv" p50_us server="$s" clients="$n")" \
                "$(median "$csv" p99_us server="$s" clients="$n")" \
                "$(csv_value "$csv" threads server="$s" clients="$n")" \
                "$(median "$csv" rss_kib server="$s" clients="$n")" \
                "$(median "$csv" rss_per_conn_kib server="$s" clients="$n")"
        done
    done
    cat <<EOT

Latency is one NUMBER round trip as the client sees it, with all N clients
asking at once: at large N it is mostly waiting in line. Every run is bounded
by the number of games (each client plays its share) and by a ${seconds} s
deadline. The open-descriptor limit was raised from its soft value $soft to the
hard limit $hard$([ "$largest" -lt "${big:-$largest}" ] && echo ", which capped N at $largest"). Descriptors
the servers still held after their clients left, over every run: $leaked;
clients that failed: $failed.
Raw data: [61_load.csv](61_load.csv), $(for s in $servers; do printf '[61_transcript_%s.txt](61_transcript_%s.txt) ' "$s" "$s"; done)
EOT
    if [ "$same" != 1 ]; then
        echo
        echo '```'
        for s in $servers; do diff "$RUN/61_transcript_threads.txt" "$RUN/61_transcript_$s.txt" || true; done
        echo '```'
    fi
} >"$RUN/61.md"
