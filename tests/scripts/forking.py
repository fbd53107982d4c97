# Forks and spawns while being traced: the child must not write into the
# parent's capture, programs it starts must not inherit the payload, and the
# parent's later allocations must still be recorded.
import os
import subprocess
import sys


def child_work():
    junk = [bytearray(50000) for _ in range(20)]
    return len(junk)


def after_fork():
    return bytearray(300000)


if __name__ == "__main__":
    pid = os.fork()
    if pid == 0:
        child_work()
        os._exit(0)
    os.waitpid(pid, 0)
    env = subprocess.run([sys.executable, "-c",
                          "import os; print(os.environ.get('LD_PRELOAD', ''),"
                          " os.environ.get('MEMATTACH_FD', ''))"],
                         capture_output=True, text=True).stdout
    print("child env:", env.strip() or "clean")
    keep = after_fork()
    print("parent done", len(keep))
