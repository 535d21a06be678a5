#!/bin/sh
# judge/63.sh - Item 63's verdicts, from 63_lag.csv (harness/claims/63.md
# says what each claim is).
set -eu
. "$HARNESS/lib.sh"

lag=$RUN/63_lag.csv
block=$(csv_value "$lag" block_ms variant=blocking)
beat=$(csv_value "$lag" heartbeat_ms variant=blocking)
slow=$(csv_value "$lag" slow_ms variant=blocking)
rounds=$(rounds_of "$lag" lag_max_ms variant=baseline)
stalled=$(calc "0.8 * ($block - $beat)")

# Each run's worst beat, less how late a sleeping canary thread in the same
# process woke meanwhile (stall_ms): what is left is the loop's own doing.
ex=$(mktemp)
trap 'rm -f "$ex"' EXIT
mlr --icsv --ocsv put '$excess_ms = $lag_max_ms - $stall_ms' "$lag" >"$ex"
# The control: the canary held up a tenth of the block or more (median over
# rounds, blocking or offloaded runs: then taking it off could hide a stall), or the heartbeat alone a quarter of the block late.
stall=$(calc "$(median "$ex" stall_ms variant=blocking) + 0")
stall_o=$(median "$ex" stall_ms variant=offloaded)
if holds "$stall_o > $stall"; then stall=$stall_o; fi
alone=$(median "$ex" excess_ms variant=baseline)
control="$stall < 0.1 * $block && $alone < 0.25 * $block"
busy_why="a canary thread was held up to $stall ms, the heartbeat alone $alone ms, against a $block ms block"

# rule 63.stall: with the call in the loop, the heartbeat's worst beat (less
# the canary's delay in the same run; median over rounds) comes at least
# 0.8 x (block - period) late, for sleep and for write + fsync alike: the
# beats that fell due waited for the whole call.
sleep_b=$(median "$ex" excess_ms variant=blocking call=sleep)
fsync_b=$(median "$ex" excess_ms variant=blocking call=fsync)
v=$(decide "$sleep_b >= $stalled && $fsync_b >= $stalled" "$control" "$busy_why")
book_claim 63.stall "$v" "worst beat ${sleep_b} ms late (sleep), ${fsync_b} ms (fsync), against a $block ms block (stalled: at least $stalled ms; alone ${alone} ms; canary up to ${stall} ms)"

# rule 63.stall.neg-offloaded: the same rule, the same calls on the writer
# thread with its own loop.
sleep_o=$(median "$ex" excess_ms variant=offloaded call=sleep)
fsync_o=$(median "$ex" excess_ms variant=offloaded call=fsync)
v=$(decide "$sleep_o >= $stalled && $fsync_o >= $stalled" "$control" "$busy_why")
negative_control 63.stall.neg-offloaded "$v" "offloaded: worst beat ${sleep_o} ms (sleep), ${fsync_o} ms (fsync)"

# rule 63.debug: the debug mode names a slow callback on the main loop in
# every run whose call really took the threshold or more: all blocking runs.
reported() { # reported VARIANT OP: "named total" over the runs whose work_ms OP slow_ms
    mlr --icsv --onidx filter '$variant == "'"$1"'" && $work_ms '"$2"' $slow_ms' \
        then put -q '@n += 1; @named += ($slow_main >= 1 ? 1 : 0); end { emit (@named, @n) }' "$lag"
}
set -- $(reported blocking '>=') 0 0
named=$1 runs=$2
v=$(decide "$runs > 0 && $named == $runs" 1 "")
book_claim 63.debug "$v" "named on the main loop in $named of $runs blocking runs (a $block ms call, threshold $slow ms)"

# rule 63.debug.neg-below: the same rule on the runs whose call (a tenth of
# the block) took under the threshold; inconclusive if none did: the load
# stretched the short call past it, and a report would be right.
below_block=$(csv_value "$lag" block_ms variant=below)
below_took=$(highest "$lag" work_ms variant=below)
set -- $(reported below '<') 0 0
named_b=$1 runs_b=$2
v=$(decide "$runs_b > 0 && $named_b == $runs_b" "$runs_b > 0" "the $below_block ms call took up to $below_took ms, over the $slow ms threshold in every round")
negative_control 63.debug.neg-below "$v" "a $below_block ms call (under $slow ms): named in $named_b of $runs_b runs"

figure block "$block"
figure beat "$beat"
figure slow "$slow"
figure rounds "$rounds"
figure stalled "$stalled"
figure alone "$alone"
figure stall "$stall"
figure below_block "$below_block"
figure below_took "$below_took"
offloaded_main=$(mlr --icsv --onidx filter '$variant == "offloaded"' then stats1 -a sum -f slow_main "$lag")
offloaded_writer=$(mlr --icsv --onidx filter '$variant == "offloaded"' then stats1 -a sum -f slow_writer "$lag")
figure offloaded_main "${offloaded_main:-0}"
figure offloaded_writer "${offloaded_writer:-0}"
