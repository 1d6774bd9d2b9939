"""Figures beside python_mp_bench.py's: its workloads in a steady state, from their first message on, and a
child's start with a handle of shared state, as most targets have."""
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


def _set_value(value):
    value.value = 1


def start_join_with_value(method, n):
    """Seconds per start and join of a child whose target sets a Value it was given, after one run not timed."""
    ctx = mp.get_context(method)
    value = ctx.Value("q", 0)
    p = ctx.Process(target=_set_value, args=(value,))
    p.start()
    p.join()
    t = time.perf_counter()
    for _ in range(n):
        p = ctx.Process(target=_set_value, args=(value,))
        p.start()
        p.join()
    return (time.perf_counter() - t) / n
