#!/bin/sh
# test.sh BUILD_DIR - run the Criterion suites, every README lab, then a
# quick harness smoke run, and end with one summary line:
# "tests: N passed, M failed". SKIP_SMOKE=1 leaves out the labs and the
# smoke run (the sanitizer builds use it).
set -u
build=${1:-build}
export CONCLAB_BIN="$build/bin"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== unit and behaviour tests (Criterion)"
"$build/tests/conclab-tests" --jobs 2 2>&1 | tee "$log"
passed=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
tested=$(sed -n 's/.*Tested: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
passed=${passed:-0}
failed=$(( ${tested:-0} - passed ))
[ -n "$tested" ] || failed=$((failed + 1)) # the suite itself did not finish

if [ "${SKIP_SMOKE:-0}" != 1 ]; then
    echo "== one name for one knob, the same kind everywhere"
    if sh scripts/check_flags.sh "$build/bin"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
    echo "== every lab of every item README"
    if sh scripts/labs.sh "$build/bin"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
    echo "== harness smoke run (make charts QUICK=1 into a scratch folder)"
    if sh scripts/smoke.sh "$build/bin"; then
        passed=$((passed + 1))
        echo "smoke: passed"
    else
        failed=$((failed + 1))
        echo "smoke: FAILED"
    fi
fi

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
