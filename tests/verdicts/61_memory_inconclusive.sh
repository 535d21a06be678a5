# claim: 61.memory
# expect: inconclusive
# The thread server's runs at 1,000 clients were cut off by the deadline
# with 640 connected: what it held then is not 1,000 connections' worth.
. tests/verdicts/doctor.sh
set_column "$RUN/61_load.csv" complete 0 server=threads clients=1000
set_column "$RUN/61_load.csv" held 640 server=threads clients=1000
set_column "$RUN/61_load.csv" threads 642 server=threads clients=1000
