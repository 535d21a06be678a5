# claim: the book's example, += inside a method, loses updates
# expect: not reproduced
# CPython's figures, written whole (python3 may be missing): the book's
# shape came out exact.
cat >"$RUN/54_python.csv" <<'CSV'
python,shape,threads,iterations,expected,actual,lost
3.11,in_a_method,2,1000,2000,2000,0
3.11,in_a_method,4,1000,4000,4000,0
3.11,read_call_write,2,1000,2000,1500,500
3.11,read_call_write,4,1000,4000,2000,2000
3.11,locked,2,1000,2000,2000,0
3.11,locked,4,1000,4000,4000,0
CSV
