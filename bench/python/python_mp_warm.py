"""Steady-state figures beside python_mp_bench.py's cold ones: the same workloads, from their first message on."""
import multiprocessing as mp
import time

from python_mp_bench import _big_producer


def large_messages_after_first(size, n, use_pipe):
    """MiB/s of n messages of `size` bytes from a child to the parent, the child's start and first message not timed."""
    receiving, sending = mp.Pipe(duplex=False) if use_pipe else (None, mp.Queue())
    get = receiving.recv_bytes if use_pipe else sending.get
    p = mp.Process(target=_big_producer, args=(sending, size, n, use_pipe))
    p.start()
    total = len(get())
    t = time.perf_counter()
    for _ in range(n - 1):
        total += len(get())
    dt = time.perf_counter() - t
    p.join()
    assert total == size * n
    return (total - size) / dt / (1 << 20)
