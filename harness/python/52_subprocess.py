"""52_subprocess.py - item 52 in CPython, beside the C bench (a few tenths of
a second per interpreter). One CSV row per case on stdout:

    python,version,case,seconds,left

python is MAJOR.MINOR, version the full one. --no-sleepers leaves out the
first two cases (the harness runs them on the default interpreter alone:
they do not change from one version to the next).

  parallel10     10 Popen(['sleep', '0.1']), then wait() each: seconds
  one            one such child alone: seconds (parallel10 / one is the ratio
                 the C judge uses)
  terminate_pid  sh that started sleep 10: communicate(timeout=0.1), then
                 terminate() and wait(), the book's way: left = its sleep
                 still alive 0.1 s later (1) or not (0)
  killpg_group   the same child with start_new_session=True, stopped with
                 os.killpg(): left = its sleep still alive
  run_timeout    run(['sh', '-c', 'sleep 0.4 & wait'], stdout=PIPE,
                 timeout=0.1): seconds until TimeoutExpired reached the
                 caller. run() kills the shell alone; CPython 3.6 then reads
                 the pipe to its end and waits for the sleep that holds it
                 (about 0.4 s); 3.7.5 and later only wait() (bpo-37424).
                 left = the sleep still alive when run() returned.

Interpreters without subprocess timeouts (2.7) print nothing. Linux only
(it reads /proc to tell a live grandchild from a zombie).
"""
import os
import signal
import subprocess
import sys
import time


def alive(pid):
    """True if pid runs (a zombie has ended: it is only waiting to be reaped)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (IOError, OSError):
        return False


def row(case, seconds, left=""):
    seconds = "" if seconds is None else "%.6f" % seconds
    print("%d.%d,%s,%s,%s,%s" % (sys.version_info[0], sys.version_info[1], sys.version.split()[0],
                                 case, seconds, left))
    sys.stdout.flush()


def sleepers(n):
    start = time.monotonic()
    procs = [subprocess.Popen(["sleep", "0.1"]) for _ in range(n)]
    for proc in procs:
        if proc.wait() != 0:
            sys.exit("52_subprocess.py: sleep failed")
    return time.monotonic() - start


def stop_at_deadline(new_session):
    script = "sleep 10 & echo $!; wait"
    proc = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE,
                            start_new_session=new_session)
    grandchild = int(proc.stdout.readline())
    try:
        proc.communicate(timeout=0.1)
    except subprocess.TimeoutExpired:
        if new_session:
            os.killpg(proc.pid, signal.SIGTERM)  # the whole group
        else:
            proc.terminate()  # the child alone
        proc.wait()
    # A signalled process ends a moment after its signal: give it 0.1 s.
    deadline = time.monotonic() + 0.1
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.001)
    left = alive(grandchild)
    try:
        os.kill(grandchild, signal.SIGKILL)  # leave nothing behind here
    except OSError:
        pass
    return int(left)


def run_timeout():
    start = time.monotonic()
    try:
        subprocess.run(["sh", "-c", "sleep 0.4 & echo $!; wait"], stdout=subprocess.PIPE,
                       timeout=0.1)
    except subprocess.TimeoutExpired as e:
        took = time.monotonic() - start
        out = e.stdout or e.output or b""
        pid = int(out.split()[0]) if out.split() else 0
        return took, int(pid > 0 and alive(pid))
    sys.exit("52_subprocess.py: run() did not time out")


def main():
    if not hasattr(subprocess, "run"):
        return  # 2.7: no timeouts in subprocess
    print("python,version,case,seconds,left")
    if "--no-sleepers" not in sys.argv:
        row("parallel10", sleepers(10))
        row("one", sleepers(1))
    row("terminate_pid", None, stop_at_deadline(False))
    row("killpg_group", None, stop_at_deadline(True))
    took, left = run_timeout()
    row("run_timeout", took, left)


main()
