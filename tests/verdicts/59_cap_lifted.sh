# claim: 59.cap
# expect: not reproduced
# On a pool of 10, 45 cells (5 ms each) only 1.5 times as slow as 10 (9 ms
# against 6): the time did not grow with the cells past the cap.
. tests/verdicts/doctor.sh
free_cores_59
set_column "$RUN/59_cap.csv" gen_s 0.009 variant=pool workers=10 cells=45
set_column "$RUN/59_cap.csv" gen_s 0.006 variant=pool workers=10 cells=10
