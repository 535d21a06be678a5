# claim: 54.python-call
# expect: inconclusive
# The threads never took turns mid-count: nothing could be lost.
. tests/verdicts/doctor.sh
# CPython's rows, written whole: the machine running the cases may have no Python.
cat >"$RUN/54_python.csv" <<'CSV'
python,shape,threads,iterations,round,expected,actual,lost,overlap_s,switching
3.11,book,5,100000,1,500000,500000,0,0,every 5 ms
3.11,book_locked,5,100000,1,500000,500000,0,0,every 5 ms
3.11,call,5,100000,1,500000,500000,0,0,every 0.5 ms
3.11,call_locked,5,100000,1,500000,500000,0,0,every 0.5 ms
CSV
