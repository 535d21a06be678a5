# claim: a call between the read and the write loses updates; a Lock makes it exact
# expect: not reproduced
# CPython's figures, written whole (python3 may be missing): nothing lost
# even with a call between the read and the write.
cat >"$RUN/54_python.csv" <<'CSV'
python,shape,threads,iterations,expected,actual,lost
3.11,in_a_method,2,1000,2000,2000,0
3.11,in_a_method,4,1000,4000,4000,0
3.11,read_call_write,2,1000,2000,2000,0
3.11,read_call_write,4,1000,4000,4000,0
3.11,locked,2,1000,2000,2000,0
3.11,locked,4,1000,4000,4000,0
CSV
