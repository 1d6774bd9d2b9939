package org.multiprocessing4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.AbstractPool;
import org.multiprocessing4j.MaybeEncodingException;
import org.multiprocessing4j.ProcessPoolException;
import org.multiprocessing4j.SharedLong;
import org.multiprocessing4j.Value;
import org.multiprocessing4j.WorkerDiedException;
import org.multiprocessing4j.cluster.internal.Dispatcher;
import org.multiprocessing4j.cluster.testing.LocalCluster;
import org.multiprocessing4j.testing.PoolScenarios;

/**
 * The Pool scenarios of CPython's {@code _TestPool} and {@code _TestPoolWorkerErrors} that every
 * pool passes ({@link PoolScenarios}), the local pool's beyond-CPython ones (worker death, task
 * timeout, unserializable values, the ExecutorService contract, the pool's life), and the
 * cluster's own, through a {@link ClusterPool} over three nodes of one worker each on 127.0.0.1.
 */
@Timeout(60)
class ClusterPoolTest extends PoolScenarios {
    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(8);
    private static LocalCluster cluster;
    private static ClusterPool pool;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = LocalCluster.start(3, 1, builder -> builder.taskTimeout(TASK_TIMEOUT));
        pool = cluster.pool();
    }

    @Override
    protected AbstractPool pool() {
        return pool;
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theClientSeesEveryNodesWorkers() {
        assertThat(pool.workers()).isEqualTo(3);
    }

    @Test
    void theWorkIsSpreadOverTheNodes() {
        List<Long> nodes = pool.map(x -> {
            Thread.sleep(50);
            return ProcessHandle.current().parent().orElseThrow().pid();
        }, range(30), 1);
        assertThat(new HashSet<>(nodes)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void imapReadsOnlyAWindowAheadOfWhatIsConsumed() {
        int[] read = {0};
        Iterable<Integer> counted = () -> IntStream.range(0, 1_000_000).peek(i -> read[0]++).boxed().iterator();
        Iterator<Integer> results = pool.imap(x -> x + 1, counted, 10);
        assertThat(results.next()).isEqualTo(1);
        // Two chunks per worker of three nodes, of ten items each, and the one being read.
        assertThat(read[0]).isLessThanOrEqualTo(10 * (2 * 3 + 1));
    }

    @Test
    void aFailingMapNamesTheFailingItem() {
        Throwable thrown = catchThrowable(() -> pool.map(x -> 10 / (x - 7), range(20), 3));
        assertThat(thrown).isInstanceOf(ProcessPoolException.class).hasCauseInstanceOf(ArithmeticException.class);
        assertThat(((ProcessPoolException) thrown).itemIndex()).isEqualTo(7);
    }

    @Test
    void aResultThatCannotBeSerializedFailsItsItemOnly() {
        Iterator<Object> it = pool.imap(x -> x == 1 ? new Object() : x, List.of(0, 1, 2), 3);
        assertThat(it.next()).isEqualTo(0);
        assertThatThrownBy(it::next).isInstanceOf(ProcessPoolException.class)
                .cause().isInstanceOf(MaybeEncodingException.class).hasMessageContaining("java.lang.Object");
        assertThat(it.next()).isEqualTo(2);
    }

    @Test
    void aTaskThatExitsFailsWithItsExitCodeAndTheNodeGoesOn() throws Exception {
        CompletableFuture<Object> exiting = pool.applyAsync(() -> {
            System.exit(3);
            return null;
        });
        assertThatThrownBy(exiting::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(WorkerDiedException.class)
                .satisfies(e -> assertThat(((WorkerDiedException) e).exitCode()).isEqualTo(3));
        assertThat(pool.map(x -> x + 1, range(9), 1)).isEqualTo(IntStream.range(1, 10).boxed().toList());
    }

    @Test
    void aWorkerKilledBySigkillFailsOnlyTheTaskItRan() throws Exception {
        SharedLong worker = Value.ofLong(0);
        CompletableFuture<Integer> victim = pool.applyAsync(() -> {
            worker.set(ProcessHandle.current().pid());
            Thread.sleep(60_000);
            return 0;
        });
        List<CompletableFuture<Integer>> others = IntStream.range(0, 20).mapToObj(i -> pool.applyAsync(() -> i + 100))
                .toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.get() != 0);
        ProcessHandle.of(worker.get()).orElseThrow().destroyForcibly();
        assertThatThrownBy(victim::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(WorkerDiedException.class)
                .satisfies(e -> assertThat(((WorkerDiedException) e).exitCode()).isEqualTo(-9));
        for (int i = 0; i < 20; i++) {
            assertThat(others.get(i).get()).isEqualTo(i + 100);
        }
    }

    @Test
    void aTaskOverrunningTheNodesTimeoutIsKilledAndFailsWithTimeoutException() {
        Throwable thrown = catchThrowable(() -> pool.apply(() -> {
            Thread.sleep(60_000);
            return 1;
        }));
        assertThat(thrown).isInstanceOf(ProcessPoolException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(pool.apply(() -> 2)).isEqualTo(2);
    }

    @Test
    void submitRunsSerializableCallablesAndRunnablesAndRefusesOthersNamingTheClass() throws Exception {
        assertThat(pool.submit((Callable<Integer> & Serializable) () -> 42).get()).isEqualTo(42);
        assertThat(pool.submit((Runnable & Serializable) () -> { }, "done").get()).isEqualTo("done");
        Callable<Integer> plain = () -> 1;
        assertThatThrownBy(() -> pool.submit(plain)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(plain.getClass().getName());
    }

    @Test
    void invokeAllAndInvokeAny() throws Exception {
        List<Callable<Integer>> tasks = List.of((Callable<Integer> & Serializable) () -> 1,
                (Callable<Integer> & Serializable) () -> 2);
        List<Integer> all = new ArrayList<>();
        for (Future<Integer> future : pool.invokeAll(tasks)) {
            all.add(future.get());
        }
        assertThat(all).containsExactly(1, 2);
        assertThat(pool.invokeAny(tasks)).isIn(1, 2);
    }

    // ---- the pool's life ----

    @Test
    void terminateCancelsWhatIsPendingAndTheNodesKillTheWorkersRunningIt() throws Exception {
        ClusterPool doomed = ClusterPool.connect(cluster.config());
        SharedLong started = Value.ofLong(0);
        CompletableFuture<List<Object>> sleeping = doomed.mapAsync(ms -> {
            started.addAndGet(1);
            Thread.sleep(ms);
            return null;
        }, java.util.Collections.nCopies(100, 7_000L), 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> started.get() >= 3); // every worker runs one
        long start = System.nanoTime();
        doomed.terminate();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(sleeping).isCancelled();
        assertThat(doomed.isTerminated()).isTrue();
        assertThat(doomed.awaitTermination(0, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> doomed.map(PoolScenarios::square, range(3)))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        start = System.nanoTime();
        assertThat(pool.map(x -> x, range(3), 1)).as("every worker is free again").hasSize(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void closeWaitsForTheSubmittedWork() {
        CompletableFuture<Integer> late;
        ClusterPool closed;
        try (ClusterPool own = ClusterPool.connect(cluster.config())) {
            closed = own;
            late = own.applyAsync(() -> {
                Thread.sleep(500);
                return 1;
            });
        }
        assertThat(late).isCompletedWithValue(1);
        assertThat(closed.isTerminated()).isTrue();
    }

    @Test
    void shutdownNowReturnsTheTasksNoNodeHadBegun() throws Exception {
        ClusterPool own = ClusterPool.connect(cluster.config());
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            futures.add(own.submit((Runnable & Serializable) () -> {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        List<Runnable> notBegun = own.shutdownNow();
        // Three nodes of one worker hold sixteen single tasks each: 48 were sent, twelve waited here.
        assertThat(notBegun).hasSize(60 - 3 * Dispatcher.SINGLE_TASKS_IN_FLIGHT_PER_WORKER);
        assertThat(futures).allMatch(Future::isCancelled);
        assertThat(own.isTerminated()).isTrue();
    }

    @Test
    void shutdownLetsSubmittedWorkFinishThenDisconnects() throws Exception {
        ClusterPool own = ClusterPool.connect(cluster.config());
        CompletableFuture<List<Integer>> squares = own.mapAsync(PoolScenarios::square, range(50), 5);
        own.shutdown();
        assertThat(own.isShutdown()).isTrue();
        assertThatThrownBy(() -> own.apply(() -> 1)).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        assertThat(own.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(squares.get()).hasSize(50);
    }
}
