#!/bin/sh
# tsan.sh BIN_DIR - run every item's ThreadSanitizer list (tests/tsan/*.args,
# one run per line) against the TSan build. Any report fails the run.
set -u
bin=$1
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
passed=0 failed=0
for list in tests/tsan/*.args; do
    item=$(basename "$list" .args)
    while IFS= read -r flags; do
        case $flags in ''|'#'*) continue ;; esac
        # shellcheck disable=SC2086 # the flags are meant to split
        if timeout 300 "$bin/$item" $flags >/dev/null 2>"$bin/../tsan-last.log"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "tsan: FAILED: $item $flags" >&2
            tail -n 30 "$bin/../tsan-last.log" >&2
        fi
    done <"$list"
done
echo "tsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
