package org.multiprocessing4j.bench;

import java.io.EOFException;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.Pipe;
import org.multiprocessing4j.Process;
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

/** A Pipe's round trip through a child that echoes, warm: CPython's {@code pipe_roundtrip}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PipeBenchmark {
    private Pipe pipe;
    private Process echo;

    @Setup
    public void startEcho() {
        pipe = Pipe.open();
        Connection far = pipe.second();
        echo = new Process(() -> {
            try {
                while (true) {
                    far.send(far.recv());
                }
            } catch (EOFException closed) {
                // the near end closed: done
            }
        });
        echo.start();
    }

    @TearDown
    public void stopEcho() throws InterruptedException {
        pipe.first().close();
        echo.join();
    }

    @Benchmark
    public Object roundTrip() throws Exception {
        Connection near = pipe.first();
        near.send(42);
        return near.recv();
    }
}
