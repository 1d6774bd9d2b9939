"""CPython's side of bench's SharedMemory rows, as SharedMemoryWorkloads measures them in Java.

A child copies SIZE bytes of its own memory into a new block (the first copy touches the block's
pages for the first time), then WARM_COPIES times again; the parent then attaches the block and
copies it out into its own memory, then as many times again; then the same within the parent's own
memory, from a source just written. Every destination but the block was touched before. The warm
figure is the fastest copy after the first. Prints the six figures (first and warm of each), in
GB/s, on one line, then the microseconds to create, write a byte into, close and unlink a block of
4 KiB, the mean of 5,000."""
import multiprocessing as mp
import sys
import time
from multiprocessing import shared_memory

WARM_COPIES = 3


def timed_copy(destination, source):
    t = time.perf_counter()
    destination[:] = source
    return time.perf_counter() - t


def fastest_of_warm_copies(destination, source):
    return min(timed_copy(destination, source) for _ in range(WARM_COPIES))


def write_in_child(name, size, seconds):
    shm = shared_memory.SharedMemory(name)
    src = bytearray(b"\x07") * size
    seconds[0] = timed_copy(shm.buf[:size], src)
    seconds[1] = fastest_of_warm_copies(shm.buf[:size], src)
    del src
    shm.close()


def create_close_unlink(n):
    t = time.perf_counter()
    for _ in range(n):
        block = shared_memory.SharedMemory(create=True, size=4096)
        block.buf[0] = 1
        block.close()
        block.unlink()
    return (time.perf_counter() - t) / n


def main(size):
    created = shared_memory.SharedMemory(create=True, size=size)
    try:
        seconds = mp.Array("d", 2)
        p = mp.Process(target=write_in_child, args=(created.name, size, seconds))
        p.start()
        p.join()
        shm = shared_memory.SharedMemory(created.name)
        dst = bytearray(b"\x01") * size
        view = memoryview(dst)
        read_first = timed_copy(view, shm.buf[:size])
        read_again = fastest_of_warm_copies(view, shm.buf[:size])
        src = bytearray(b"\x02") * size
        memcpy_first = timed_copy(view, src)
        memcpy_again = fastest_of_warm_copies(view, src)
        del view
        shm.close()
        figures = (seconds[0], seconds[1], read_first, read_again, memcpy_first, memcpy_again)
        print(" ".join(f"{size / s / 1e9:.2f}" for s in figures), f"{create_close_unlink(5000) * 1e6:.1f}")
    finally:
        created.close()
        created.unlink()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 30)
