#!/bin/sh
# Item 57, judge: the book's four claims and their negative controls, from
# the CSVs of measure/57.sh read by column name (Miller). Writes
# $RUN/57.verdicts and $RUN/57.figures; harness/claims/57.md says what each
# id means.
set -eu
. "$HARNESS/lib.sh"
num() { awk "BEGIN { x = $1; if (x >= 1000) printf \"%.0f\", x; else printf \"%.3g\", x }"; } # 8196, 36.1, 0.558
rounds_text() { n=$(rounds_of "$@"); [ "$n" = 1 ] && echo "1 round" || echo "median of $n rounds"; }

# ---- Start-up cost: a thread per cell against a hand-off, per round.
cost=$RUN/57_cost.csv
per_round() { # per_round NUM DEN OUT: NUM / DEN CPU per cell at 45 cells, each round
    ratio_per_round "$cost" "$3" cpu_us_per_task "\$variant == \"$1\" && \$cells == 45" \
        "\$variant == \"$2\" && \$cells == 45"
}
per_round thread handoff "$RUN/57_cost_ratio.csv"
per_round handoff_again handoff "$RUN/57_cost_aa.csv"
thread_cpu=$(median "$cost" cpu_us_per_task variant=thread cells=45)
handoff_cpu=$(median "$cost" cpu_us_per_task variant=handoff cells=45)
again_cpu=$(median "$cost" cpu_us_per_task variant=handoff_again cells=45)
thread_wall=$(median "$cost" us_per_task variant=thread cells=45)
handoff_wall=$(median "$cost" us_per_task variant=handoff cells=45)
aa=$(median "$RUN/57_cost_aa.csv" ratio)
figure thread_cpu "$thread_cpu"
figure handoff_cpu "$handoff_cpu"
figure thread_wall "$thread_wall"
figure handoff_wall "$handoff_wall"
figure cost_ratio "$(median "$RUN/57_cost_ratio.csv" ratio)"
figure aa "$aa"

# rule 57.cost: at the book's 45 cells per generation, a thread started and
# joined per cell costs at least 5x the CPU time of handing the same cell's
# step to a thread that already exists (median over rounds of each round's
# ratio). CPU time (user + system of the process), not wall time: it is what
# starting a thread costs, and a busy neighbour does not add to it.
# Inconclusive when the same hand-off measured twice in a round disagrees by
# more than 3x (the median of handoff_again / handoff): the round was noisy.
aa_ok="$aa >= 1 / 3 && $aa <= 3"
aa_why="the same hand-off measured twice differed by ${aa}x"
r=$(median "$RUN/57_cost_ratio.csv" ratio)
book_claim 57.cost "$(decide "$r >= 5" "$aa_ok" "$aa_why")" \
    "CPU per cell, 45 a generation: new thread $(num "$thread_cpu") us, hand-off $(num "$handoff_cpu") us: $(num "$r")x ($(rounds_text "$RUN/57_cost_ratio.csv" ratio))"

# rule 57.cost.neg: the same rule with the new thread replaced by the
# thread that already exists: the hand-off against itself.
negative_control 57.cost.neg "$(decide "$aa >= 5" "$aa_ok" "$aa_why")" \
    "CPU per cell, the same hand-off twice in a round: $(awk "BEGIN { printf \"%#.3g\", $aa }")x ($(rounds_text "$RUN/57_cost_aa.csv" ratio))"

# ---- Memory: what 10,000 live threads really hold.
mem=$RUN/57_memory.csv
most=$(mlr --icsv --ojson filter '$variant == "default_stack"' then stats1 -a max -f threads "$mem" |
    sed -n 's/.*"threads_max": \([0-9]*\).*/\1/p')
stack=$(csv_value "$mem" stack_kib variant=default_stack threads="$most")
rss=$(median "$mem" rss_per_thread_kib variant=default_stack threads="$most")
vm=$(median "$mem" vm_per_thread_kib variant=default_stack threads="$most")
reached=$(mlr --icsv --ojson filter "\$variant == \"default_stack\" && \$threads == $most && \$started != $most" \
    then count "$mem" | sed -n 's/.*"count": \([0-9]*\).*/\1/p')
touched=$(median "$mem" rss_per_thread_kib variant=touched)
touched_n=$(csv_value "$mem" threads variant=touched)
small=$(median "$mem" rss_per_thread_kib variant=small_stack threads="$most")
small_stack=$(csv_value "$mem" stack_kib variant=small_stack threads="$most")
figure mem_threads "$most"
figure mem_stack "$stack"
figure mem_rss "$rss"
figure mem_vm "$vm"
figure mem_total_mib "$(calc "$rss * $most / 1024")"
figure mem_touched "$touched"
figure mem_touched_n "$touched_n"
figure mem_small "$small"
figure mem_small_stack "$small_stack"

# rule 57.memory: with 10,000 threads alive at once, each holds about the
# book's 8 MB: resident memory per live thread at least half the default
# stack reserve (8 MiB on Linux, from RLIMIT_STACK). Inconclusive when the
# measure cannot see a stack's pages (threads that write their whole stack
# show under half of it resident) or when not every thread started.
mem_ok="$touched >= 0.5 * $stack && ${reached:-0} == 0"
mem_why="threads that wrote their whole stack showed $touched KiB resident of $stack, or the $most did not all start"
book_claim 57.memory "$(decide "$rss >= 0.5 * $stack" "$mem_ok" "$mem_why")" \
    "$most threads: $(num "$rss") KiB resident each of $stack KiB reserved ($(num "$rss * $most / 1024") MiB in all); control, stacks written: $(num "$touched") KiB"

# rule 57.memory.neg: the same rule on the same threads given small stacks
# (--small-stack-kib, what threading.stack_size() sets in CPython).
negative_control 57.memory.neg "$(decide "$small >= 0.5 * $stack" "$mem_ok" "$mem_why")" \
    "$most threads with $small_stack KiB stacks: $(num "$small") KiB resident each"

# ---- Spawning thousands, with no cap.
spawn=$RUN/57_spawn.csv
nat_started=$(csv_value "$spawn" started mode=natural)
nat_stop=$(csv_value "$spawn" stopped_by mode=natural)
nat_limit=$(csv_value "$spawn" limit mode=natural)
nat_error=$(csv_value "$spawn" error mode=natural)
nat_s=$(csv_value "$spawn" seconds mode=natural)
nat_rss=$(csv_value "$spawn" rss_kib mode=natural)
book_stop=$(csv_value "$spawn" stopped_by mode=book)
book_limit=$(csv_value "$spawn" limit mode=book)
cap_stop=$(csv_value "$spawn" stopped_by mode=capped)
cap_started=$(csv_value "$spawn" started mode=capped)
cap_mib=$(csv_value "$spawn" limit mode=capped)
pid_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo unknown)
threads_max=$(cat /proc/sys/kernel/threads-max 2>/dev/null || echo unknown)
map_count=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo unknown)
figure nat_started "$nat_started"
figure nat_stop "$nat_stop"
figure nat_s "$nat_s"
figure nat_rss_mib "$(calc "${nat_rss:-0} / 1024")"
figure cap_started "${cap_started:-}"
figure cap_mib "${cap_mib:-}"
figure pid_max "$pid_max"
figure threads_max "$threads_max"
figure map_count "$map_count"
is_refused() { [ "$1" = refused ] && echo 1 || echo 0; }

# rule 57.spawn: pushing threads with no cap until the system refuses one,
# pthread_create refuses before 10,000 are alive at once. Inconclusive when
# the push stopped at its own memory or time bound first, or when the same
# push under a capped address space (--cap-as-mib) saw no refusal either (the
# measure could not see one).
spawn_ok="($(is_refused "$nat_stop") || \"$nat_stop\" == \"max_threads\") && $(is_refused "${cap_stop:-none}")"
spawn_why="the push stopped at its $nat_stop bound, or the capped push was not refused ($cap_stop)"
if [ "$nat_stop" = refused ]; then
    nat_text="thread $((nat_started + 1)) refused ($nat_error)"
else
    nat_text="$nat_started threads alive at once, none refused"
fi
book_claim 57.spawn "$(decide "$(is_refused "$nat_stop")" "$spawn_ok" "$spawn_why")" \
    "no cap: $nat_text; control, address space capped $cap_mib MiB above use: thread $((${cap_started:-0} + 1)) refused"

# rule 57.spawn.neg: the same rule on the book's own generation, 45 threads.
negative_control 57.spawn.neg "$(decide "$(is_refused "$book_stop")" "$spawn_ok" "$spawn_why")" \
    "$book_limit threads: stopped by $book_stop"

# ---- The error inside a thread.
errors=$RUN/57_errors.csv
e() { csv_value "$errors" "$2" variant="$1"; }
# rule 57.error: a cell's I/O fails inside its thread; after the joins the
# caller saw no error: every join returned 0 and nothing reached it. The
# control: the failure really happened (the cell's write is missing: the
# next grid differs from the serial one); else inconclusive.
lost_ok="$(e lost grid_correct) == 0"
lost_why="the grid came out right: the failure did not happen"
book_claim 57.error "$(decide "$(e lost errors_seen) == 0 && $(e lost join_failures) == 0" "$lost_ok" "$lost_why")" \
    "lost: $(e lost join_failures) of $(e lost threads) joins failed, the caller saw $(e lost errors_seen) errors; its grid wrong at the cell"

# rule 57.error.neg: the same rule on the same generation with the error
# carried back (each thread keeps it in its slot; the caller reads them).
carried_ok="$(e carried grid_correct) == 0"
negative_control 57.error.neg "$(decide "$(e carried errors_seen) == 0 && $(e carried join_failures) == 0" "$carried_ok" "$lost_why")" \
    "carried: the caller saw $(e carried errors_seen) error, at cell ($(e carried error_y), $(e carried error_x))"
