#!/bin/sh
# mutants.sh [NAME...] - plant each mistake listed in tests/mutants/*.txt, one
# at a time, in a scratch copy of the tree, and check that the tests named
# for it fail. A mistake the tests let through is a missing test.
#
# Each tests/mutants/PIECE.txt holds one block per mistake, blocks apart by a blank line:
#   mutant: queue-put-no-wakeup
#   what:   put no longer wakes a getter waiting on an empty queue
#   file:   items/55_queue_pipelines/queue.c
#   find:   the exact text to replace (it must occur exactly once)
#   replace: what to put there instead
#   tests:  the Criterion filter that must fail (queue/*), or several: a|b
# With NAME arguments, only those mutants are planted.
set -u
top=$(pwd)
lists="tests/mutants/*.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# The tree as git sees it, plus the build folder, so each mutant recompiles one file.
git ls-files -z | xargs -0 cp --parents -t "$work" 2>/dev/null || { echo "mutants: copy failed" >&2; exit 2; }
for f in $(git ls-files --others --exclude-standard); do cp --parents "$f" "$work"; done
[ -d build ] && cp -R build "$work/build"
cd "$work" || exit 2

caught=0 missed=0 broken=0
# The original back, with a new time: the mutant's objects are newer than
# the copy, and make must build the next mutant from the original.
restore() { mv "$file.orig" "$file" && touch "$file"; }
# One block at a time, as NAME<US>FILE<US>FIND<US>REPLACE<US>TESTS lines.
awk -v RS= -v FS='\n' '{
    name = file = find = repl = tests = ""
    for (i = 1; i <= NF; i++) {
        line = $i
        if (line ~ /^mutant: */) { sub(/^mutant: */, "", line); name = line }
        else if (line ~ /^file: */) { sub(/^file: */, "", line); file = line }
        else if (line ~ /^find: */) { sub(/^find: */, "", line); find = line }
        else if (line ~ /^replace: */) { sub(/^replace: */, "", line); repl = line }
        else if (line ~ /^tests: */) { sub(/^tests: */, "", line); tests = line }
    }
    if (name != "") printf "%s\037%s\037%s\037%s\037%s\n", name, file, find, repl, tests
}' $lists >mutants.tsv
while IFS="$(printf '\037')" read -r name file find repl tests; do
    if [ $# -gt 0 ]; then
        case " $* " in *" $name "*) ;; *) continue ;; esac
    fi
    cp "$file" "$file.orig"
    if ! FIND=$find REPL=$repl perl -0pi -e '
            my ($f, $r) = ($ENV{FIND}, $ENV{REPL});
            my $n = () = /\Q$f\E/g;
            die "found $n times\n" unless $n == 1;
            s/\Q$f\E/$r/;' "$file" 2>mutant.err; then
        echo "mutants: $name: cannot plant it in $file: $(cat mutant.err)" >&2
        broken=$((broken + 1)); restore; continue
    fi
    if ! make -s all build/tests/conclab-tests >mutant.log 2>&1; then
        # A mistake the compiler refuses is caught too, but say so: it tests nothing.
        echo "mutants: $name: does not build (make it a mistake that compiles)" >&2
        broken=$((broken + 1)); restore; continue
    fi
    result=caught
    old_ifs=$IFS; IFS='|'
    for filter in $tests; do
        IFS=$old_ifs
        if CONCLAB_BIN=build/bin timeout 300 build/tests/conclab-tests --jobs 2 --filter "$filter" \
            >mutant.log 2>&1; then
            result=missed
        fi
    done
    IFS=$old_ifs
    if [ "$result" = caught ]; then
        caught=$((caught + 1)); echo "mutants: $name: caught by $tests"
    else
        missed=$((missed + 1)); echo "mutants: $name: MISSED: $tests passed with the mistake in $file" >&2
    fi
    restore
done <mutants.tsv
cd "$top" || exit 2
echo "mutants: $caught caught, $missed missed, $broken could not be planted"
[ "$missed" -eq 0 ] && [ "$broken" -eq 0 ]
