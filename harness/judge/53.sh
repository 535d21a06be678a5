#!/bin/sh
# judge/53.sh - Item 53's verdicts, from the CSVs of measure/53.sh, read by
# column name. The register, harness/claims/53.md, says what each rule is
# for. Every ratio is a median over interleaved rounds.
set -eu
. "$HARNESS/lib.sh"
cores=$(getconf _NPROCESSORS_ONLN)
cpu=$RUN/53_cpu.csv io=$RUN/53_io.csv convoy=$RUN/53_convoy.csv
T=4     # the book: its four numbers on four threads
calls=5 # the book: five threads, each one blocking call
min() { calc "$1 < $2 ? $1 : $2"; }
r() { calc "$1"; } # a figure to three significant digits

# rule 53.cpu: the new GIL's 4 threads keep under a quarter of the gain the
# same threads make without a GIL in the same rounds:
#   speedup(new) < 1 + 0.25 x (speedup(none) - 1).
# Control: on 2+ cores, the no-GIL threads sped up at least 0.7 x min(4,
# cores) (the book's numbers are unequal: on 2 cores the best packing is
# about 2x, fair sharing a little less), and neither median is above
# min(4, cores) x 1.05 (the serial runs were slowed): else inconclusive.
# Their CPU time over wall time is shown beside: cores can be busy and
# still give no speedup (a host or a neighbour taking the cycles).
gil=$(median "$cpu" speedup policy=new threads=$T)
none=$(median "$cpu" speedup policy=none threads=$T)
reach=$(median "$cpu" cpu_per_wall policy=none threads=$T)
best=$(min $T "$cores")
cpu_control="$cores >= 2 && $none >= 0.7 * $best && $gil <= 1.05 * $best && $none <= 1.05 * $best"
cpu_why="the no-GIL threads sped up only $(r "$none")x (at least $(calc "0.7 * $best") needed), on $(r "$reach") cores"
v=$(decide "$gil < 1 + 0.25 * ($none - 1)" "$cpu_control" "$cpu_why")
book_claim 53.cpu "$v" "new GIL $(r "$gil")x with $T threads (no GIL $(r "$none")x, on $(r "$reach") cores)"
# rule 53.cpu.neg: the same rule, applied to the threads without a GIL.
v=$(decide "$none < 1 + 0.25 * ($none - 1)" "$cpu_control" "$cpu_why")
negative_control 53.cpu.neg "$v" "no GIL $(r "$none")x with $T threads, on $(r "$reach") cores"
figure cpu_new "$(spread "$cpu" speedup policy=new threads=$T)"
figure cpu_old "$(spread "$cpu" speedup policy=old threads=$T)"
figure cpu_none "$(spread "$cpu" speedup policy=none threads=$T)"
figure cpu_reach "$(r "$reach")"
figure cpu_old_cpu "$(r "$(median "$cpu" cpu_per_wall policy=old threads=$T)")"

# rule 53.io: the new GIL's 5 blocking threads keep at least half the gain
# the same threads make without a GIL in the same rounds:
#   speedup(new) - 1 >= 0.5 x (speedup(none) - 1).
# Control: without a GIL the 5 calls overlapped at all, speedup >= 0.5 x 5
# (else sleeping threads were not woken on time): else inconclusive.
gil=$(median "$io" speedup policy=new work=blocking calls=$calls)
none=$(median "$io" speedup policy=none work=blocking calls=$calls)
io_control="$none >= 0.5 * $calls"
io_why="without a GIL the $calls waiting threads reached only $(r "$none")x"
v=$(decide "$gil - 1 >= 0.5 * ($none - 1)" "$io_control" "$io_why")
book_claim 53.io "$v" "new GIL $(r "$gil")x with $calls threads blocking (no GIL $(r "$none")x)"
# rule 53.io.neg: the same rule, the same threads computing as long instead
# of blocking (new GIL).
comp=$(median "$io" speedup policy=new work=computing calls=$calls)
v=$(decide "$comp - 1 >= 0.5 * ($none - 1)" "$io_control" "$io_why")
negative_control 53.io.neg "$v" "the same threads computing: $(r "$comp")x (blocking without a GIL $(r "$none")x)"
figure io_new "$(spread "$io" speedup policy=new work=blocking calls=$calls)"
figure io_none "$(spread "$io" speedup policy=none work=blocking calls=$calls)"
figure io_computing "$(spread "$io" speedup policy=new work=computing calls=$calls)"
figure io_wait_ms "$(csv_value "$io" wait_ms work=blocking)"

# rule 53.overlap: this thread computing for as long as one call, beside the
# 5 blocking threads: the share of the shorter part hidden (1: the wall time
# is the longer part; 0: the sum) under the new GIL is at least half the
# share hidden without a GIL in the same rounds: hidden(new) >= 0.5 x hidden(none).
# Control: without a GIL at least half was hidden, hidden(none) >= 0.5.
hid=$(median "$io" hidden policy=new work=blocking calls=$calls)
hid_none=$(median "$io" hidden policy=none work=blocking calls=$calls)
ov_control="$hid_none >= 0.5"
ov_why="without a GIL only $(r "$hid_none") of the shorter part was hidden: waking threads did not get a core"
v=$(decide "$hid >= 0.5 * $hid_none" "$ov_control" "$ov_why")
book_claim 53.overlap "$v" "share hidden: new GIL $(r "$hid"), no GIL $(r "$hid_none") (1: wall = the longer part; 0: the sum)"
# rule 53.overlap.neg: the same rule, the threads computing instead of blocking.
hid_comp=$(median "$io" hidden policy=new work=computing calls=$calls)
v=$(decide "$hid_comp >= 0.5 * $hid_none" "$ov_control" "$ov_why")
negative_control 53.overlap.neg "$v" "share hidden with the threads computing: $(r "$hid_comp") (blocking without a GIL $(r "$hid_none"))"
figure ov_new "$(spread_in '' "$io" hidden policy=new work=blocking calls=$calls)"
figure ov_none "$(spread_in '' "$io" hidden policy=none work=blocking calls=$calls)"
figure ov_computing "$(spread_in '' "$io" hidden policy=new work=computing calls=$calls)"

# rule 53.convoy: with a 100 us echo, unpinned, the new GIL's median round
# trip beside a CPU-bound thread is at least 5x the one alone and at least
# half a switch interval: slowdown >= 5 and busy_p50 >= 0.5 x interval.
# Control: the same CPU-bound thread without a GIL (policy none, same
# rounds) got at least 0.75 of a core; without one it cannot take the lock
# while the client waits for its reply: else inconclusive.
sel="echo_us=100 pinned=0"
# shellcheck disable=SC2086 # $sel is a list of KEY=VALUE on purpose
slow=$(median "$convoy" slowdown policy=new $sel)
# shellcheck disable=SC2086
busy=$(median "$convoy" busy_p50_us policy=new $sel)
# shellcheck disable=SC2086
interval_us=$(calc "1000 * $(csv_value "$convoy" interval_ms policy=new $sel)")
# shellcheck disable=SC2086
share=$(median "$convoy" hog_cpu_share policy=none $sel)
cv_control="$share >= 0.75"
cv_why="a CPU-bound thread without a GIL got only $(r "$share") of a core"
v=$(decide "$slow >= 5 && $busy >= 0.5 * $interval_us" "$cv_control" "$cv_why")
own_measure 53.convoy "$v" "new GIL: $(r "$slow")x slower beside a CPU-bound thread, median trip $(calc "$busy / 1000") ms (switch interval $(calc "$interval_us / 1000") ms)"
# rule 53.convoy.neg: the same rule, the same threads without a GIL.
# shellcheck disable=SC2086
slow_none=$(median "$convoy" slowdown policy=none $sel)
# shellcheck disable=SC2086
busy_none=$(median "$convoy" busy_p50_us policy=none $sel)
v=$(decide "$slow_none >= 5 && $busy_none >= 0.5 * $interval_us" "$cv_control" "$cv_why")
negative_control 53.convoy.neg "$v" "no GIL: $(r "$slow_none")x, median trip $(calc "$busy_none / 1000") ms"
# shellcheck disable=SC2086
figure cv_new "$(spread "$convoy" slowdown policy=new $sel)"
# shellcheck disable=SC2086
figure cv_old "$(spread "$convoy" slowdown policy=old $sel)"
# shellcheck disable=SC2086
figure cv_none "$(spread "$convoy" slowdown policy=none $sel)"
figure cv_busy_ms "$(calc "$busy / 1000")"
figure cv_share "$(r "$share")"
figure cv_instant "$(spread "$convoy" slowdown policy=new echo_us=0 pinned=0)"
[ "$(count_rows "$convoy" pinned=1)" -gt 0 ] &&
    figure cv_pinned "$(spread "$convoy" slowdown policy=new echo_us=100 pinned=1)"
exit 0
