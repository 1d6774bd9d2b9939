"""Figures beside python_mp_bench.py's lock_uncontended: the other synchronization primitives, uncontended, in one
process, each an operation's round as a program uses it."""
import multiprocessing as mp
import time


def _ops_per_second(n, round_):
    t = time.perf_counter()
    for _ in range(n):
        round_()
    return n / (time.perf_counter() - t)


def rlock_uncontended(n):
    rlock = mp.RLock()
    return _ops_per_second(n, lambda: (rlock.acquire(), rlock.release()))


def semaphore_uncontended(n):
    semaphore = mp.Semaphore(1)
    return _ops_per_second(n, lambda: (semaphore.acquire(), semaphore.release()))


def event_set_clear(n):
    event = mp.Event()
    return _ops_per_second(n, lambda: (event.set(), event.clear()))


def condition_notify(n):
    condition = mp.Condition()

    def notify_under_lock():
        with condition:
            condition.notify()
    return _ops_per_second(n, notify_under_lock)
