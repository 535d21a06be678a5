# claim: 59.cap
# expect: not reproduced
# On a pool of 10, 45 cells only 1.5 times as slow as 10 (1.8 ms against
# 1.2): the time did not grow with the cells past the cap.
. tests/verdicts/doctor.sh
set_column "$RUN/59_cap.csv" gen_s 0.0018 variant=pool workers=10 cells=45
set_column "$RUN/59_cap.csv" gen_s 0.0012 variant=pool workers=10 cells=10
