package org.multiprocessing4j.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.multiprocessing4j.Pool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Pool of two workers, warm: one task's round trip ({@code apply}), and the time per item of a
 * map of 100,000 trivial items, which batching divides among the items.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2) // the workers are fresh JVMs too: they need their own warm-up
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PoolBenchmark {
    private static final List<Integer> ITEMS = IntStream.range(0, 100_000).boxed().toList();

    private Pool pool;
    private int i;

    @Setup
    public void start() {
        pool = new Pool(2);
    }

    @TearDown
    public void stop() {
        pool.close();
    }

    @Benchmark
    public Integer applyRoundTrip() {
        int x = i++;
        return pool.apply(() -> PoolWorkloads.square(x));
    }

    @Benchmark
    @OperationsPerInvocation(100_000)
    public List<Integer> mapPerItem() {
        return pool.map(PoolWorkloads::square, ITEMS);
    }
}
