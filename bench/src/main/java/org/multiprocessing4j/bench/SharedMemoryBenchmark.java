package org.multiprocessing4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.SharedMemory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Copies of 1 MiB into and out of a SharedMemory block, warm pages, beside one within private memory; and a block's whole life. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SharedMemoryBenchmark {
    private static final long SIZE = 1 << 20;
    private final Arena arena = Arena.ofConfined();
    private SharedMemory block;
    private MemorySegment privateSource;
    private MemorySegment privateDestination;

    @Setup
    public void create() {
        block = SharedMemory.create(SIZE);
        privateSource = arena.allocate(SIZE).fill((byte) 7);
        privateDestination = arena.allocate(SIZE).fill((byte) 1);
        block.segment().copyFrom(privateSource);
    }

    @TearDown
    public void unlink() {
        block.close();
        block.unlink();
        arena.close();
    }

    @Benchmark
    public MemorySegment copyIntoBlock() {
        return block.segment().copyFrom(privateSource);
    }

    @Benchmark
    public MemorySegment copyOutOfBlock() {
        return privateDestination.copyFrom(block.segment());
    }

    @Benchmark
    public MemorySegment copyWithinPrivateMemory() {
        return privateDestination.copyFrom(privateSource);
    }

    @Benchmark
    public void createWriteCloseUnlink() {
        try (SharedMemory fresh = SharedMemory.create(4096)) {
            fresh.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1);
            fresh.unlink();
        }
    }
}
