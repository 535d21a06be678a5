# claim: 59.gthreadpool
# expect: inconclusive
# The pinned runs got a third of CPU 0 (a neighbour ran there too): the
# pools' own costs cannot be told apart from the neighbour's slices.
. tests/verdicts/doctor.sh
set_column "$RUN/59_overhead.csv" cpu_wall 0.33 pinned=1
