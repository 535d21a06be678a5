#!/bin/sh
# Item 58, judge: reads $RUN/58_*.csv by column name, writes 58.verdicts and
# 58.figures. Each "# rule ID" comment opens the lines that decide ID
# (harness/claims/58.md says why each rule and control).
set -eu
. "$HARNESS/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# gen_s of the rows matching NUM over that of the DEN row of the same round,
# as a file ($tmp/NAME.csv, column ratio); prints its median.
per_round() { # per_round NAME FILE NUM DEN
    ratio_per_round "$2" "$tmp/$1.csv" gen_s "$3" "$4"
    median "$tmp/$1.csv" ratio
}
queue() { echo "\$variant == \"queue_workers\" && \$workers == $1${2:+ && \$cells == $2}"; }
sleepers() { echo "\$variant == \"sleepers\" && \$workers == $1"; }

# rule 58.workers: 5 queue workers make a generation of the book's 45 cells
# (1 ms of I/O each) at least 0.7 x as many times faster than 1 worker as 5
# bare sleeping threads (the control: the same waits, no queue) do than 1.
# Inconclusive when the bare sleepers reach under 3.5x, or when 1 queue
# worker takes over 1.5x the time of 1 bare sleeper: then the hand-offs
# wait for a CPU (a busy machine), not for the I/O.
w=$RUN/58_workers.csv
speedup=$(per_round speedup "$w" "$(queue 1)" "$(queue 5)")
ideal=$(per_round ideal "$w" "$(sleepers 1)" "$(sleepers 5)")
handoff=$(per_round handoff "$w" "$(queue 1)" "$(sleepers 1)")
control="$ideal >= 3.5 && $handoff <= 1.5"
busy="bare sleepers reached $(calc "$ideal")x; 1 queue worker took $(calc "$handoff")x a bare sleeper's time"
book_claim 58.workers "$(decide "$speedup >= 0.7 * $ideal" "$control" "$busy")" \
    "5 workers $(spread "$tmp/speedup.csv" ratio) faster than 1; bare sleepers $(calc "$ideal")x"
figure speedup "$(spread "$tmp/speedup.csv" ratio)"
figure ideal "$ideal"
figure handoff "$handoff"

# rule 58.workers.neg-io: the same rule on the same 1 and 5 workers with no
# I/O at all (--io-ms 0): nothing waits, so more workers have nothing to
# overlap; against the control of the run above. With no I/O the work is
# CPU alone: a speedup above the cores cannot be, and means the 1-worker
# rounds were slowed by a neighbour (inconclusive too).
cores=$(sed -n 's/^cores_online: //p' "$RUN/machine.txt" 2>/dev/null)
cores=${cores:-$(getconf _NPROCESSORS_ONLN)}
n=$RUN/58_no_io.csv
speedup0=$(per_round speedup0 "$n" "$(queue 1)" "$(queue 5)")
negative_control 58.workers.neg-io "$(decide "$speedup0 >= 0.7 * $ideal" \
    "$control && $speedup0 <= 1.05 * $cores" "$busy; with no I/O 5 workers came out ${speedup0}x on $cores cores")" \
    "5 workers $(spread "$tmp/speedup0.csv" ratio) faster than 1 with no I/O"
figure speedup0 "$(spread "$tmp/speedup0.csv" ratio)"
figure gen0_1_us "$(calc "$(median "$n" gen_s variant=queue_workers workers=1) * 1e6")"
figure gen0_5_us "$(calc "$(median "$n" gen_s variant=queue_workers workers=5) * 1e6")"

# rule 58.limit: at the book's 5 workers a generation of 45 cells takes at
# least 0.6 x ceil(45 / 5) = 5.4 times as long as one of 5 cells (one wait
# per worker): only 5 cells wait at once, so the time grows with the cells.
# Inconclusive when a 5-cell generation (by 5 workers, or by the 45 of the
# negative control) took over 1.7 latencies (1.7 ms): the waiting threads
# were woken late, and a delay d (in latencies) per generation makes the
# ratio (9 + d) / (1 + d), under 5.4 from d = 0.82 on.
l=$RUN/58_limit.csv
growth=$(per_round growth "$l" "$(queue 5 45)" "$(queue 5 5)")
one_ms=$(calc "$(median "$l" gen_s variant=queue_workers workers=5 cells=5) * 1000")
one45_ms=$(calc "$(median "$l" gen_s variant=queue_workers workers=45 cells=5) * 1000")
lcontrol="$one_ms <= 1.7 && $one45_ms <= 1.7"
lwhy="a generation of 5 cells took $one_ms ms by 5 workers, $one45_ms ms by 45, for a 1 ms wait"
book_claim 58.limit "$(decide "$growth >= 0.6 * 9" "$lcontrol" "$lwhy")" \
    "45 cells took $(spread "$tmp/growth.csv" ratio) the time of 5 (ceil(45 / 5) = 9)"
figure growth "$(spread "$tmp/growth.csv" ratio)"
figure one_ms "$one_ms"

# rule 58.limit.neg: the same rule with 45 workers, as many as the cells:
# no cell waits for a free worker, so the cap is lifted.
growth45=$(per_round growth45 "$l" "$(queue 45 45)" "$(queue 45 5)")
negative_control 58.limit.neg "$(decide "$growth45 >= 0.6 * 9" "$lcontrol" "$lwhy")" \
    "with 45 workers, 45 cells took $(spread "$tmp/growth45.csv" ratio) the time of 5"
figure growth45 "$(spread "$tmp/growth45.csv" ratio)"
