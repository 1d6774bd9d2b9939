package org.multiprocessing4j.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.Manager;
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

/** A put and a get on a manager's dict from this process, warm: CPython's {@code manager_dict_roundtrip} without the child. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2) // the server is a fresh JVM too: it needs its own warm-up
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ManagerBenchmark {
    private Manager manager;
    private Map<Integer, Integer> dict;
    private int i;

    @Setup
    public void start() {
        manager = Manager.start();
        dict = manager.dict();
    }

    @TearDown
    public void stop() throws InterruptedException {
        manager.shutdown();
    }

    @Benchmark
    public Integer putThenGet() {
        int key = i++ % 100;
        dict.put(key, i);
        return dict.get(key);
    }
}
