#!/bin/sh
# 58_code_lines.sh FILE FROM TO - the lines of code (not blank, not a
# comment line) of FILE from the first line matching FROM to the next
# matching TO; the whole file when FROM is empty. Items 58 and 59 count
# their moves from item 56's serial loop with it (measure/58.sh, 59.sh).
file=$1 from=$2 to=$3
if [ -n "$from" ]; then sed -n "/$from/,/$to/p" "$file"; else cat "$file"; fi |
    grep -v -e '^[[:space:]]*$' -e '^[[:space:]]*/\{0,1\}\*' -e '^[[:space:]]*//' | wc -l
