package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.Gate;
import org.multiprocessing4j.testing.Scratch;

/** A Pool keeps {@link ExecutorService}'s contract, with tasks that run in other processes. */
@Timeout(60)
class PoolExecutorServiceTest {
    @TempDir
    Path dir;

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    /** A callable that is serializable, as a lambda given where one is expected is. */
    interface SerialCallable<T> extends Callable<T>, Serializable {}

    /** A runnable that is serializable, as a lambda given where one is expected is. */
    interface SerialRunnable extends Runnable, Serializable {}

    private static <T> Callable<T> task(SerialCallable<T> callable) {
        return callable;
    }

    private static Runnable runnable(SerialRunnable runnable) {
        return runnable;
    }

    @Test
    void submitRunsSerializableCallablesAndRunnables() throws Exception {
        String ran = file("ran");
        try (ExecutorService pool = new Pool(2)) {
            assertThat(pool.submit(task(() -> 42)).get()).isEqualTo(42);
            assertThat(pool.submit(runnable(() -> Scratch.write(ran, "yes")), "done").get()).isEqualTo("done");
            assertThat(Scratch.read(ran)).isEqualTo("yes");
            assertThat(pool.submit(runnable(() -> { })).get()).isNull();
        }
    }

    @Test
    void whatCannotBeSentFailsInTheCallerNamingItsClass() {
        try (Pool pool = new Pool(1)) {
            Callable<Integer> plain = () -> 1;
            assertThatThrownBy(() -> pool.submit(plain)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(plain.getClass().getName()).hasMessageContaining("Serializable");
            assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(IllegalArgumentException.class);
            Object unsendable = new Object();
            assertThatThrownBy(() -> pool.applyAsync(() -> unsendable.hashCode()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
            assertThatThrownBy(() -> pool.submit((Callable<Integer>) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> pool.execute(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> pool.invokeAll(List.of(task(() -> 1), null)))
                    .isInstanceOf(NullPointerException.class);
            assertThat(pool.apply(() -> 1)).isEqualTo(1);
        }
    }

    @Test
    void invokeAllWaitsForEveryTask() throws Exception {
        try (Pool pool = new Pool(2)) {
            List<Future<Integer>> done = pool.invokeAll(List.of(task(() -> 1), task(() -> 2), task(() -> {
                throw new IllegalStateException("three");
            })));
            assertThat(done).allMatch(Future::isDone);
            assertThat(done.get(0).get()).isEqualTo(1);
            assertThat(done.get(1).get()).isEqualTo(2);
            assertThatThrownBy(() -> done.get(2).get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void invokeAllWithATimeoutCancelsWhatIsNotDone() throws Exception {
        try (Pool pool = new Pool(2)) {
            pool.map(x -> x, List.of(1, 2), 1); // both workers up, so that the quick task is done in time
            long start = System.nanoTime();
            List<Future<Integer>> done = pool.invokeAll(List.of(task(() -> 1), task(() -> {
                Thread.sleep(60_000);
                return 2;
            })), 500, TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(done.get(0).get()).isEqualTo(1);
            assertThat(done.get(1).isCancelled()).isTrue();
            assertThat(pool.apply(() -> 3)).isEqualTo(3);
            assertThat(pool.invokeAll(List.of(task(() -> 4)), Long.MAX_VALUE, TimeUnit.DAYS).getFirst().get())
                    .isEqualTo(4);
        }
    }

    @Test
    void invokeAnyReturnsAResultOfATaskThatSucceeded() throws Exception {
        try (Pool pool = new Pool(2)) {
            assertThat(pool.invokeAny(List.of(task(() -> {
                throw new IllegalStateException("no");
            }), task(() -> "yes")))).isEqualTo("yes");
            assertThatThrownBy(() -> pool.invokeAny(List.of(task(() -> {
                throw new IllegalStateException("none");
            })))).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> pool.invokeAny(List.of(task(() -> {
                Thread.sleep(60_000);
                return 1;
            })), 200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> pool.invokeAny(List.<Callable<Integer>>of()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shutdownNowReturnsTheTasksNeverBegunAndCancelsThem() throws Exception {
        String started = file("started");
        String release = file("release");
        Pool pool = new Pool(1);
        CompletableFuture<Integer> running = pool.applyAsync(() -> {
            Gate.open(started);
            Gate.await(release);
            return 0;
        });
        Gate.await(started);
        Runnable waiting = runnable(() -> { });
        Future<?> queued = pool.submit(waiting);
        CompletableFuture<Integer> second = pool.applyAsync(() -> 2);
        List<Runnable> neverBegun = pool.shutdownNow();
        assertThat(neverBegun).hasSize(2).contains(waiting);
        assertThat(queued.isCancelled()).isTrue();
        assertThat(second.isCancelled()).isTrue();
        assertThat(running.isCancelled()).isTrue();
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(pool.shutdownNow()).isEmpty();
    }

    @Test
    void closeWaitsForTheSubmittedWork() throws Exception {
        String out = file("out");
        Pool pool = new Pool(1);
        assertThat(pool.awaitTermination(50, TimeUnit.MILLISECONDS)).isFalse();
        pool.execute(runnable(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            Scratch.write(out, "written");
        }));
        pool.close();
        assertThat(Files.exists(Path.of(out))).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        pool.close();
        pool.shutdown();
    }

    @Test
    void shutdownLetsQueuedWorkFinishThenTerminates() throws Exception {
        Pool pool = new Pool(2);
        List<CompletableFuture<Integer>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int x = i;
            results.add(pool.applyAsync(() -> {
                Thread.sleep(20);
                return x;
            }));
        }
        pool.shutdown();
        assertThat(pool.isShutdown()).isTrue();
        assertThatThrownBy(() -> pool.submit(task(() -> 1)))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(results.get(i).get()).isEqualTo(i);
        }
    }

    @Test
    void aWaitInterruptedInMapThrowsAndKeepsTheInterrupt() throws Exception {
        try (Pool pool = new Pool(1)) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> pool.map(x -> {
                Thread.sleep(10_000);
                return x;
            }, List.of(1))).isInstanceOf(ProcessPoolException.class).hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).isTrue();
            assertThat(pool.apply(() -> 2)).isEqualTo(2);
        }
    }

    @Test
    void aFutureCancelledBeforeItRunsNeverRuns() throws Exception {
        String ran = file("ran");
        String started = file("started");
        String release = file("release");
        try (Pool pool = new Pool(1)) {
            CompletableFuture<Integer> blocker = pool.applyAsync(() -> {
                Gate.open(started);
                Gate.await(release);
                return 0;
            });
            Gate.await(started);
            CompletableFuture<Integer> later = pool.applyAsync(() -> {
                Scratch.write(ran, "ran");
                return 1;
            });
            assertThat(later.cancel(false)).isTrue();
            Gate.open(release);
            assertThat(blocker.get()).isZero();
            assertThatThrownBy(later::get).isInstanceOf(CancellationException.class);
            assertThat(pool.apply(() -> 2)).isEqualTo(2);
        }
        assertThat(Files.exists(Path.of(ran))).isFalse();
    }
}
