# claim: 58.workers
# expect: not reproduced
# Five queue workers as slow as 30 ms a generation, where one takes about
# 50: the workers overlapped little of the I/O (the sleepers still did).
. tests/verdicts/doctor.sh
free_cores_58
set_column "$RUN/58_workers.csv" gen_s 0.03 variant=queue_workers workers=5
