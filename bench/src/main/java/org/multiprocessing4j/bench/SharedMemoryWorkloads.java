package org.multiprocessing4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.RawArray;
import org.multiprocessing4j.SharedDoubleArray;
import org.multiprocessing4j.SharedMemory;

/** The SharedMemory workload of issue 11, as bench/python/shared_memory_bench.py measures it for CPython. */
final class SharedMemoryWorkloads {
    private SharedMemoryWorkloads() {}

    /** GB/s of each copy: see {@link #bulkCopy}. */
    record Copies(double writeFirst, double writeAgain, double readFirst, double readAgain, double memcpy) {
        double[] all() {
            return new double[] {writeFirst, writeAgain, readFirst, readAgain, memcpy};
        }
    }

    /**
     * A child copies {@code size} bytes of its own memory into a new block twice (the first copy
     * touches the block's pages for the first time); the parent then attaches the block and copies
     * it into its own memory twice; last, a copy within the parent's own memory. Every destination
     * but the block was touched before.
     */
    static Copies bulkCopy(long size) throws InterruptedException {
        try (SharedMemory created = SharedMemory.create(size); Arena arena = Arena.ofConfined()) {
            SharedDoubleArray writeSeconds = RawArray.ofDoubles(2);
            Process writer = new Process(() -> {
                try (Arena own = Arena.ofConfined()) {
                    MemorySegment source = own.allocate(size).fill((byte) 7);
                    writeSeconds.set(0, timedCopy(created.segment(), source));
                    writeSeconds.set(1, timedCopy(created.segment(), source));
                }
            });
            writer.start();
            writer.join();
            MemorySegment destination = arena.allocate(size).fill((byte) 1);
            double readFirst;
            double readAgain;
            try (SharedMemory shm = SharedMemory.attach(created.name())) {
                readFirst = timedCopy(destination, shm.segment());
                readAgain = timedCopy(destination, shm.segment());
            }
            if (destination.get(ValueLayout.JAVA_BYTE, size - 1) != 7) {
                throw new IllegalStateException("the parent did not read what the child wrote");
            }
            double memcpy = timedCopy(destination, arena.allocate(size).fill((byte) 2));
            created.unlink();
            return new Copies(size / writeSeconds.get(0) / 1e9, size / writeSeconds.get(1) / 1e9,
                    size / readFirst / 1e9, size / readAgain / 1e9, size / memcpy / 1e9);
        }
    }

    /** Microseconds to create, write a byte into, close and unlink a block of 4 KiB, the mean of {@code n}. */
    static double createCloseUnlinkMicros(int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (SharedMemory block = SharedMemory.create(4096)) {
                block.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                block.unlink();
            }
        }
        return (System.nanoTime() - start) / 1e3 / n;
    }

    private static double timedCopy(MemorySegment destination, MemorySegment source) {
        long start = System.nanoTime();
        destination.copyFrom(source);
        return (System.nanoTime() - start) / 1e9;
    }
}
