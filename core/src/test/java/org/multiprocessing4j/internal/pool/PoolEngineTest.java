package org.multiprocessing4j.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.testing.LeakBaseline;
import org.multiprocessing4j.testing.Pids;

/** CPython's TestPoolNotLeakOnFailure: a worker that cannot be started leaves no other behind. */
@Timeout(60)
class PoolEngineTest {
    @Test
    void whenTheFourthWorkerCannotStartTheErrorPropagatesAndTheOthersAreKilled() throws Exception {
        Set<Path> before = LeakBaseline.ourSharedMemoryNow();
        List<Process> started = new ArrayList<>();
        PoolEngine.WorkerFactory failingFourth = task -> {
            if (started.size() == 3) {
                throw new UncheckedIOException(new IOException("Manually induced OSError"));
            }
            Process worker = new Process(task);
            worker.setDaemon(true);
            started.add(worker);
            return worker;
        };
        assertThatThrownBy(() -> new PoolEngine(new PoolEngine.Settings(4, null, 0, null, failingFourth)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("Manually induced OSError");
        assertThat(started).hasSize(3);
        for (Process worker : started) {
            Pids.awaitGone(worker.pid().orElseThrow(), Duration.ofSeconds(5));
        }
        Set<Path> after = LeakBaseline.ourSharedMemoryNow();
        after.removeAll(before);
        assertThat(after).isEmpty();
    }
}
