package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.testing.PoolScenarios;

/**
 * CPython's {@code _TestPool}, {@code _TestPoolWorkerErrors}, {@code _TestPoolWorkerLifetime} and
 * {@code TestInitializers} scenarios: those every pool passes ({@link PoolScenarios}), and the local
 * pool's own. One pool of two workers serves the tests that do not end it.
 */
@Timeout(60)
class PoolTest extends PoolScenarios {
    private static Pool pool;

    @BeforeAll
    static void startPool() {
        pool = new Pool(2);
    }

    @AfterAll
    static void endPool() {
        pool.terminate();
    }

    @Override
    protected AbstractPool pool() {
        return pool;
    }

    @Test
    void aPoolNeedsAtLeastOneProcess() {
        assertThatThrownBy(() -> new Pool(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Number of processes must be at least 1");
        assertThatThrownBy(() -> new Pool(-1)).isInstanceOf(IllegalArgumentException.class);
        try (Pool three = new Pool(3)) {
            assertThat(three.processes()).isEqualTo(3);
            assertThat(three.map(x -> x + 1, range(3))).containsExactly(1, 2, 3);
        }
    }

    @Test
    void terminateReturnsPromptlyAndCancelsWhatIsPending() throws Exception {
        Pool doomed = new Pool(2);
        CompletableFuture<List<Object>> sleeping = doomed.mapAsync(ms -> {
            Thread.sleep(ms);
            return null;
        }, java.util.Collections.nCopies(10_000, 10_000L), 1);
        long start = System.nanoTime();
        doomed.terminate();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(sleeping).isCancelled();
        assertThat(doomed.isTerminated()).isTrue();
        assertThat(doomed.awaitTermination(0, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> doomed.map(PoolScenarios::square, range(3))).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aClosedPoolTakesNoWork() throws Exception {
        Pool closed;
        try (Pool p = new Pool(2)) {
            closed = p;
            assertThat(p.map(PoolScenarios::square, range(10))).hasSize(10);
        }
        assertThat(closed.isTerminated()).isTrue();
        assertThatThrownBy(() -> closed.mapAsync(PoolScenarios::square, range(10)))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("Pool not running");
        assertThatThrownBy(() -> closed.apply(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aFailingMapWaitsForEveryChunkThenThrowsTheFirstFailure() throws Exception {
        Pool own = new Pool(2);
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> own.map(delay -> {
            Thread.sleep(delay);
            throw new IllegalArgumentException("after " + delay);
        }, List.of(100L, 1_000L), 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        assertThat(thrown).isInstanceOf(ProcessPoolException.class).cause().hasMessage("after 100");
        assertThat(((ProcessPoolException) thrown).itemIndex()).isZero();
        own.shutdown();
        assertThat(own.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aResultThatCannotBeSerializedFailsItsTaskOnly() {
        Set<Long> pids = new HashSet<>(pool.map(x -> ProcessHandle.current().pid(), range(20), 1));
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> pool.apply(Object::new)).isInstanceOf(ProcessPoolException.class)
                    .cause().isInstanceOf(MaybeEncodingException.class).hasMessageContaining("java.lang.Object");
        }
        assertThat(pool.map(x -> ProcessHandle.current().pid(), range(20), 1)).allMatch(pids::contains);
    }

    @Test
    void workersAreReplacedAfterMaxTasksPerChild() {
        try (Pool recycling = Pool.builder().processes(2).maxTasksPerChild(10).build()) {
            List<Long> pids = recycling.map(x -> {
                Thread.sleep(2);
                return ProcessHandle.current().pid();
            }, range(100), 1);
            assertThat(new HashSet<>(pids)).hasSizeGreaterThanOrEqualTo(10);
            assertThat(recycling.map(PoolScenarios::square, range(100), 1)).isEqualTo(range(100).stream().map(PoolScenarios::square).toList());
        }
        assertThatThrownBy(() -> Pool.builder().maxTasksPerChild(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pool.builder().maxTasksPerChild(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closingEarlyWithMaxTasksPerChildOneFinishesEveryTask() throws Exception {
        Pool recycling = Pool.builder().processes(2).maxTasksPerChild(1).build();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int x = i;
            results.add(recycling.applyAsync(() -> {
                Thread.sleep(50);
                return square(x);
            }));
        }
        recycling.shutdown();
        assertThat(recycling.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 6; i++) {
            assertThat(results.get(i).get()).isEqualTo(i * i);
        }
    }

    /** What the initializer sets, in each worker. */
    static final class Initialized {
        static volatile String value = "not initialized";
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a held apply would wait for ever
    void aUnitGoesToAWorkerThatHasAnsweredRatherThanToOneStillStarting() throws Exception {
        // The pool's workers are the next two processes this one makes: the second one's
        // initializer waits until the end, as a slow JVM's start would.
        String made = new Process(() -> { }).name();
        String secondWorker = "SpawnPoolWorker-" + (Integer.parseInt(made.substring(made.lastIndexOf('-') + 1)) + 2);
        Event released = new Event();
        try (Pool starting = Pool.builder().processes(2).initializer(() -> {
            if (Multiprocessing.currentProcess().name().equals(secondWorker)) {
                released.await();
            }
        }).build()) {
            for (int i = 0; i < 5; i++) {
                int x = i;
                assertThat(starting.apply(() -> square(x))).isEqualTo(i * i);
            }
            released.set();
        }
    }

    @Test
    void theInitializerRunsInEachWorkerBeforeItsFirstTask() {
        String marker = "ready";
        try (Pool initialized = Pool.builder().processes(2).initializer(() -> Initialized.value = marker).build()) {
            List<String> seen = initialized.map(x -> {
                Thread.sleep(20);
                return Initialized.value + "@" + ProcessHandle.current().pid();
            }, range(20), 1);
            assertThat(seen).allMatch(s -> s.startsWith("ready@"));
            assertThat(seen.stream().map(s -> s.substring(6)).distinct()).hasSize(2);
        }
        assertThat(Initialized.value).isEqualTo("not initialized");
        assertThatThrownBy(() -> Pool.builder().initializer(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anInitializerThatThrowsBreaksThePoolInsteadOfRespawningForEver() throws Exception {
        Pool broken = Pool.builder().processes(2).initializer(() -> {
            throw new IllegalStateException("no database");
        }).build();
        CompletableFuture<Integer> task = broken.applyAsync(() -> 1);
        Throwable failure = catchThrowable(task::get);
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WorkerDiedException.class)
                .hasMessageContaining("could not start").hasMessageContaining("no database");
        assertThat(broken.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> broken.applyAsync(() -> 2)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("no database");
    }

    @Test
    void workersWhoseJvmRefusesItsOptionsBreakThePoolWithoutHanging() throws Exception {
        Pool broken = Pool.builder().processes(2).jvmOptions(List.of("-XX:NoSuchOptionForAPool")).build();
        Throwable failure = catchThrowable(() -> broken.applyAsync(() -> 1).get());
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WorkerDiedException.class)
                .hasMessageContaining("could not start").hasMessageContaining("NoSuchOptionForAPool");
        assertThat(broken.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void contextMakesPoolsToo() {
        try (Pool p = Multiprocessing.getContext(StartMethod.SPAWN).newPool(1)) {
            assertThat(p.apply(() -> Multiprocessing.currentProcess().name())).startsWith("SpawnPoolWorker-");
            assertThat(p.apply(() -> Multiprocessing.currentProcess().isDaemon())).isTrue();
        }
    }
}
