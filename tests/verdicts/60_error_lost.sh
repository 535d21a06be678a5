# claim: an error in one coroutine reaches the awaiter of the gather
# expect: not reproduced
printf 'check,value\nerror_reaches_awaiter,0\n' >"$RUN/60_checks.csv"
