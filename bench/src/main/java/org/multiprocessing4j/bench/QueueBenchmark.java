package org.multiprocessing4j.bench;

import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
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

/**
 * A Queue's costs, warm: a put and a take of a small item in one thread (the ring and the codec,
 * without a wake-up), a round trip through a child that echoes from one queue into another
 * (CPython's {@code queue_1to1_small} pays one way of it per item), and a put and a take of a
 * 1 MiB item, which goes through a spill file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class QueueBenchmark {
    private static final int ONE_MIB = 1 << 20;

    private final Queue<Integer> local = new Queue<>();
    private final Queue<byte[]> large = new Queue<>();
    private final byte[] mebibyte = new byte[ONE_MIB];
    private Queue<Integer> toChild;
    private Queue<Integer> fromChild;
    private Process echo;

    @Setup
    public void startEcho() {
        toChild = new Queue<>();
        fromChild = new Queue<>();
        Queue<Integer> in = toChild;
        Queue<Integer> out = fromChild;
        echo = new Process(() -> {
            for (int item; (item = in.take()) >= 0; ) {
                out.put(item);
            }
        });
        echo.start();
    }

    @TearDown
    public void stopEcho() throws InterruptedException {
        toChild.put(-1);
        echo.join();
    }

    @Benchmark
    public Integer putTakeSmall() throws InterruptedException {
        local.put(42);
        return local.take();
    }

    @Benchmark
    public Integer roundTripThroughAChild() throws InterruptedException {
        toChild.put(42);
        return fromChild.take();
    }

    @Benchmark
    public byte[] putTakeOneMebibyte() throws InterruptedException {
        large.put(mebibyte);
        return large.take();
    }
}
