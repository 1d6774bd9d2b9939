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

    /** Copies after the first, of which the fastest is the warm figure: see {@link #bulkCopy}. */
    static final int WARM_COPIES = 3;

    /** GB/s of each copy: see {@link #bulkCopy}. */
    record Copies(double writeFirst, double writeWarm, double readFirst, double readWarm, double memcpyFirst,
            double memcpyWarm) {
        double[] all() {
            return new double[] {writeFirst, writeWarm, readFirst, readWarm, memcpyFirst, memcpyWarm};
        }
    }

    /**
     * A child copies {@code size} bytes of its own memory into a new block (the first copy touches
     * the block's pages for the first time), then {@link #WARM_COPIES} times again; the parent then
     * attaches the block and copies it into its own memory, then as many times again; last, the same
     * within the parent's own memory, from a source just written. Every destination but the block
     * was touched before. The warm figure is the fastest copy after the first: on this machine a
     * process's first passes over memory are slow while it has threads on both CPUs, as a JVM always
     * has (docs/DESIGN.md, on {@code SharedBlock}).
     */
    static Copies bulkCopy(long size) throws InterruptedException {
        try (SharedMemory created = SharedMemory.create(size); Arena arena = Arena.ofConfined()) {
            SharedDoubleArray writeSeconds = RawArray.ofDoubles(2);
            Process writer = new Process(() -> {
                try (Arena own = Arena.ofConfined()) {
                    MemorySegment source = own.allocate(size).fill((byte) 7);
                    writeSeconds.set(0, timedCopy(created.segment(), source));
                    writeSeconds.set(1, fastestOfWarmCopies(created.segment(), source));
                }
            });
            writer.start();
            writer.join();
            MemorySegment destination = arena.allocate(size).fill((byte) 1);
            double readFirst;
            double readWarm;
            try (SharedMemory shm = SharedMemory.attach(created.name())) {
                readFirst = timedCopy(destination, shm.segment());
                readWarm = fastestOfWarmCopies(destination, shm.segment());
            }
            if (destination.get(ValueLayout.JAVA_BYTE, size - 1) != 7) {
                throw new IllegalStateException("the parent did not read what the child wrote");
            }
            MemorySegment source = arena.allocate(size).fill((byte) 2);
            double memcpyFirst = timedCopy(destination, source);
            double memcpyWarm = fastestOfWarmCopies(destination, source);
            created.unlink();
            return new Copies(size / writeSeconds.get(0) / 1e9, size / writeSeconds.get(1) / 1e9,
                    size / readFirst / 1e9, size / readWarm / 1e9, size / memcpyFirst / 1e9, size / memcpyWarm / 1e9);
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

    private static double fastestOfWarmCopies(MemorySegment destination, MemorySegment source) {
        double fastest = Double.MAX_VALUE;
        for (int i = 0; i < WARM_COPIES; i++) {
            fastest = Math.min(fastest, timedCopy(destination, source));
        }
        return fastest;
    }

    private static double timedCopy(MemorySegment destination, MemorySegment source) {
        long start = System.nanoTime();
        destination.copyFrom(source);
        return (System.nanoTime() - start) / 1e9;
    }
}
