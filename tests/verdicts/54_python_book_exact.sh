# claim: 54.python
# expect: not reproduced
# The book's Counter on 3.8 came out exact in every run, though the GIL
# changed hands mid-count.
. tests/verdicts/doctor.sh
# CPython's rows, written whole: the machine running the cases may have no Python.
cat >"$RUN/54_python.csv" <<'CSV'
python,shape,threads,iterations,round,expected,actual,lost,overlap_s,switching
3.11,book,5,100000,1,500000,500000,0,0.004,every 5 ms
3.11,book_locked,5,100000,1,500000,500000,0,0.05,every 5 ms
3.11,call,5,100000,1,500000,400000,100000,0.02,every 0.5 ms
3.11,call_locked,5,100000,1,500000,500000,0,0.2,every 0.5 ms
3.8,book,5,100000,1,500000,500000,0,0.03,every 5 ms
3.8,book,5,100000,2,500000,500000,0,0.05,every 5 ms
3.8,book_locked,5,100000,1,500000,500000,0,0.3,every 5 ms
CSV
