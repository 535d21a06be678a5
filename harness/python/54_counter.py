"""54_counter.py N - Item 54 in CPython: K threads add to one shared counter.

Three shapes: the increment inside a method (the book's shape), the same with
a Python call between the read and the write (a point where CPython may switch
threads), and that again under a threading.Lock. Prints CSV; the harness runs
it from harness/exp/54.sh where python3 is installed.
"""
import sys, threading

class Counter:
    def __init__(self):
        self.count = 0
    def increment(self, offset):   # the book's shape: one += in a method
        self.count += offset

def in_a_method(counter, n):
    for _ in range(n):
        counter.increment(1)

def pause():                       # a Python call: a place CPython may switch
    pass

def read_call_write(counter, n):
    for _ in range(n):
        seen = counter.count
        pause()
        counter.count = seen + 1

def locked(counter, n, lock=threading.Lock()):
    for _ in range(n):
        with lock:
            seen = counter.count
            pause()
            counter.count = seen + 1

n = int(sys.argv[1])
sys.setswitchinterval(0.001)
version = "%d.%d" % sys.version_info[:2]
print("python,shape,threads,iterations,expected,actual,lost")
for shape in (in_a_method, read_call_write, locked):
    for k in (2, 4):
        counter = Counter()
        workers = [threading.Thread(target=shape, args=(counter, n)) for _ in range(k)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        print("%s,%s,%d,%d,%d,%d,%d" % (version, shape.__name__, k, n, k * n,
                                        counter.count, k * n - counter.count))
