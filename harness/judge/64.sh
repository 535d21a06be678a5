#!/bin/sh
# Item 64, judged: the claims of harness/claims/64.md, from 64_scaling.csv,
# 64_shipping.csv and CPython's CSVs, every column read by name.
set -eu
. "$HARNESS/lib.sh"

scaling=$RUN/64_scaling.csv shipping=$RUN/64_shipping.csv
cores=$(getconf _NPROCESSORS_ONLN)
at=2 # the book's max_workers
best=$((cores < at ? cores : at)) # the best speedup 2 workers can give here
speedup() { median "$scaling" speedup executor="$1" workers="${2:-$at}"; }

# The control of every CPU-bound claim: what the pool without a GIL reached
# in the same rounds (were the cores free?), and whether any CPU-bound median
# beat the core count (impossible: then the serial rounds were slowed).
nogil=$(speedup threads)
summarize "$scaling" "$RUN/64_scaling_med.csv" executor,workers speedup
highest_median=$(highest_where "$RUN/64_scaling_med.csv" median '$executor != "serial" && $executor != "serial_locked"')
cpu_control="$nogil >= 0.75 * $best && ${highest_median:-0} <= 1.05 * $cores"
if holds "${highest_median:-0} > 1.05 * $cores"; then
    cpu_why="a CPU-bound median speedup of $(calc "$highest_median")x beat $cores cores"
else
    cpu_why="the pool without a GIL reached $(calc "$nogil")x on $at workers"
fi
figure nogil "$(calc "$nogil")"
figure nogil_spread "$(spread "$scaling" speedup executor=threads workers=$at)"

# CPython, the default interpreter (the first in 64_python.csv), same rule.
py="" py_note=""
if [ -s "$RUN/64_python.csv" ]; then
    py=$(mlr --icsv --onidx head -n 1 then cut -f python "$RUN/64_python.csv")
    pyx() { median "$RUN/64_python.csv" speedup python="$py" executor="$1" workers=$at; }
    figure python "$py"
fi

# rule 64.threads-gil: the pool under the GIL at 2 workers stays below 1.25x;
# inconclusive when the no-GIL control fell short or a median beat the cores.
gil=$(speedup threads_gil)
v=$(decide "$gil < 1.25" "$cpu_control" "$cpu_why")
[ -n "$py" ] && py_note="; CPython $py ThreadPoolExecutor $(calc "$(pyx threads)")x"
book_claim 64.threads-gil "$v" "under the GIL $(calc "$gil")x at 2 workers (no GIL $(calc "$nogil")x)$py_note"
figure gil_spread "$(spread "$scaling" speedup executor=threads_gil workers=$at)"

# rule 64.threads-gil.neg: the same rule on the same pool without a GIL.
v=$(decide "$nogil < 1.25" "$cpu_control" "$cpu_why")
negative_control 64.threads-gil.neg "$v" "without the GIL $(calc "$nogil")x at 2 workers"

# The shipping sweep: its control is the largest numbers' best batch, where
# shipping is a small share, within [0.75, 1.05] x cores.
summarize "$shipping" "$RUN/64_shipping_med.csv" executor,size,batch speedup
small=$(lowest "$shipping" size) large=$(highest "$shipping" size)
best_of() { # best_of SIZE: "batch median" of the process pool's best batch for that size
    top_row "$RUN/64_shipping_med.csv" median batch,median "\$executor == \"processes\" && \$size == $1"
}
large_best=$(best_of "$large" | cut -d' ' -f2)
ship_control="${large_best:-0} >= 0.75 * $cores && ${large_best:-0} <= 1.05 * $cores"
ship_why="with numbers up to $large the best batch reached $(calc "${large_best:-0}")x on $cores cores"

# rule 64.processes: the process pool at 2 workers reaches 0.75 x min(2, cores);
# inconclusive when the CPU control, or the process pool's own (the largest
# numbers' best batch), fell short.
proc=$(speedup processes)
ship_share=$(calc "100 * $(median "$scaling" ship_s executor=processes workers=$at) / ($(median "$scaling" ship_s executor=processes workers=$at) + $(median "$scaling" compute_s executor=processes workers=$at))")
lock_cost=$(speedup serial_locked 1)
if holds "$cpu_control"; then proc_why=$ship_why; else proc_why=$cpu_why; fi
v=$(decide "$proc >= 0.75 * $best" "$cpu_control && $ship_control" "$proc_why")
book_claim 64.processes "$v" "processes $(calc "$proc")x at 2 workers ($cores cores); shipping ${ship_share}% of worker time, the loop under its own lock $(calc "$lock_cost")x${py:+; CPython $py ProcessPoolExecutor $(calc "$(pyx processes)")x}"
figure proc_spread "$(spread "$scaling" speedup executor=processes workers=$at)"
figure ship_share "$ship_share"
figure lock_cost "$(calc "$lock_cost")"

# rule 64.processes.neg: the same rule on one tiny pair (numbers up to 1,000) per message.
tiny=$(median "$shipping" speedup executor=processes size="$small" batch=1)
v=$(decide "$tiny >= 0.75 * $best" "$cpu_control && $ship_control" "$proc_why")
negative_control 64.processes.neg "$v" "one pair of numbers up to $small per message: $(calc "$tiny")x"

# rule 64.shipping: with numbers up to 1,000, one pair per message is slower
# than the loop while a larger batch is faster: the loss is the message.
# Inconclusive when the largest numbers' best batch fell outside [0.75, 1.05] x cores.
small_best=$(best_of "$small")
v=$(decide "$tiny < 1 && ${small_best#* } > 1" "$ship_control" "$ship_why")
book_claim 64.shipping "$v" "numbers up to $small: $(calc "$tiny")x at 1 pair per message, $(calc "${small_best#* }")x at ${small_best%% *}"
figure tiny_spread "$(spread "$shipping" speedup executor=processes size="$small" batch=1)"
figure small_best_batch "${small_best%% *}"
figure small_best "$(calc "${small_best#* }")"

# rule 64.shipping.neg: the same rule on the largest numbers.
large_one=$(median "$shipping" speedup executor=processes size="$large" batch=1)
v=$(decide "$large_one < 1 && $large_best > 1" "$ship_control" "$ship_why")
negative_control 64.shipping.neg "$v" "numbers up to $large: $(calc "$large_one")x at 1 pair per message"
figure small "$small"
figure large "$large"
figure large_best "$(calc "$large_best")"
