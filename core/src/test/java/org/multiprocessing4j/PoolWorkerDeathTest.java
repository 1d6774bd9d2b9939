package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.testing.Gate;
import org.multiprocessing4j.testing.LeakBaseline;
import org.multiprocessing4j.testing.Pids;
import org.multiprocessing4j.testing.Scratch;

/**
 * Where CPython's Pool hangs (gh-66587), this one fails the task the dead worker ran, and goes on
 * with a new worker: for each way a worker dies, for a task that overruns the timeout, and for a
 * task cancelled while it runs.
 */
@Timeout(90)
class PoolWorkerDeathTest {
    @TempDir
    Path dir;

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    /** The failure of {@code task}, whose get must not hang. */
    private static Throwable causeOf(CompletableFuture<?> task) {
        Throwable thrown = catchThrowable(task::get);
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    @Test
    void aTaskThatExitsFailsWithItsExitCodeAndANewWorkerTakesOver() throws Exception {
        try (Pool pool = new Pool(2)) {
            Throwable cause = causeOf(pool.applyAsync(() -> {
                System.exit(3);
                return 0;
            }));
            assertThat(cause).isInstanceOf(WorkerDiedException.class).hasMessageContaining("exit code 3");
            assertThat(((WorkerDiedException) cause).exitCode()).isEqualTo(3);
            assertThat(pool.map(x -> x * 2, List.of(1, 2, 3), 1)).containsExactly(2, 4, 6);
        }
    }

    private static SerializableCallable<Integer> timesTen(int x) {
        return () -> x * 10;
    }

    @Test
    void aReplacementWorkerIsSentTheLambdaClassesItsPredecessorKnew() throws Exception {
        try (Pool pool = new Pool(1)) {
            assertThat(pool.apply(timesTen(1))).isEqualTo(10); // the worker now knows this class
            assertThat(causeOf(pool.applyAsync(() -> {
                System.exit(3);
                return 0;
            }))).isInstanceOf(WorkerDiedException.class);
            assertThat(pool.apply(timesTen(2))).as("run by the new worker").isEqualTo(20);
        }
    }

    @Test
    void aWorkerKilledBySigkillFailsOnlyTheTaskItRan() throws Exception {
        String pidFile = file("pid");
        String running = file("running");
        try (Pool pool = new Pool(2)) {
            CompletableFuture<Integer> victim = pool.applyAsync(() -> {
                Scratch.write(pidFile, Long.toString(ProcessHandle.current().pid()));
                Gate.open(running);
                Thread.sleep(60_000);
                return 0;
            });
            List<CompletableFuture<Integer>> others = IntStream.range(0, 20)
                    .mapToObj(i -> pool.applyAsync(() -> i + 100)).toList();
            long pid = pidWrittenBefore(running, pidFile);
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Throwable cause = causeOf(victim);
            assertThat(cause).isInstanceOf(WorkerDiedException.class).hasMessageContaining("exit code -9");
            assertThat(((WorkerDiedException) cause).exitCode()).isEqualTo(-9);
            for (int i = 0; i < 20; i++) {
                assertThat(others.get(i).get()).isEqualTo(i + 100);
            }
            assertThat(pool.apply(() -> ProcessHandle.current().pid())).isNotEqualTo(pid);
        }
    }

    @Test
    void aCrashOfTheWorkerJvmFailsTheTask() throws Exception {
        Path errorFiles = dir.resolve("hs_err_%p.log");
        try (Pool pool = Pool.builder().processes(1)
                .jvmOptions(List.of("-XX:ErrorFile=" + errorFiles, "-XX:-CreateCoredumpOnCrash")).build()) {
            Throwable cause = causeOf(pool.applyAsync(PoolWorkerDeathTest::crashInNativeCode));
            assertThat(cause).isInstanceOf(WorkerDiedException.class);
            // Without a core dump, the JVM's crash handler ends the process with exit(1); with one, SIGABRT.
            assertThat(((WorkerDiedException) cause).exitCode()).isIn(1, -6);
            assertThat(pool.apply(() -> 5)).isEqualTo(5);
        }
    }

    @Test
    void aWorkerThatRunsOutOfMemoryDiesSayingSo() throws Exception {
        try (Pool pool = Pool.builder().processes(1).jvmOptions(List.of("-Xmx48m")).build()) {
            Throwable cause = causeOf(pool.applyAsync(() -> {
                List<long[]> hoard = new java.util.ArrayList<>();
                while (true) {
                    hoard.add(new long[1 << 20]);
                }
            }));
            assertThat(cause).isInstanceOf(WorkerDiedException.class).hasMessageContaining("OutOfMemoryError");
            assertThat(pool.apply(() -> 6)).isEqualTo(6);
        }
    }

    @Test
    void aDeathInAMapFailsTheMapNamingTheItemAndTheOtherChunksStillRun() {
        try (Pool pool = new Pool(2)) {
            Throwable thrown = catchThrowable(() -> pool.map(x -> {
                if (x == 7) {
                    Runtime.getRuntime().halt(9);
                }
                return x;
            }, IntStream.range(0, 40).boxed().toList(), 2));
            assertThat(thrown).isInstanceOf(ProcessPoolException.class).cause().isInstanceOf(WorkerDiedException.class);
            assertThat(((ProcessPoolException) thrown).itemIndex()).isIn(6L, 7L);
            assertThat(pool.map(x -> x + 1, List.of(1, 2))).containsExactly(2, 3);
        }
    }

    @Test
    void aTaskOverrunningTheTimeoutIsKilledAndFailsWithTimeoutException() throws Exception {
        try (Pool pool = Pool.builder().processes(1).taskTimeout(Duration.ofMillis(500)).build()) {
            long pid = pool.apply(() -> ProcessHandle.current().pid());
            long start = System.nanoTime();
            Throwable cause = causeOf(pool.applyAsync(() -> {
                Thread.sleep(60_000);
                return 0;
            }));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(cause).isInstanceOf(TimeoutException.class).hasMessageContaining("PT0.5S");
            Pids.awaitGone(pid, Duration.ofSeconds(5));
            assertThat(pool.apply(() -> {
                Thread.sleep(100);
                return 8;
            })).isEqualTo(8);
            assertThat(pool.map(x -> x, List.of(1, 2, 3))).containsExactly(1, 2, 3);
        }
    }

    @Test
    void cancellingARunningTaskKillsItsWorker() throws Exception {
        String pidFile = file("pid");
        String running = file("running");
        try (Pool pool = new Pool(1)) {
            CompletableFuture<Integer> endless = pool.applyAsync(() -> {
                Scratch.write(pidFile, Long.toString(ProcessHandle.current().pid()));
                Gate.open(running);
                while (true) {
                    Thread.onSpinWait();
                }
            });
            long pid = pidWrittenBefore(running, pidFile);
            assertThat(endless.cancel(true)).isTrue();
            Pids.awaitGone(pid, Duration.ofSeconds(5));
            assertThat(pool.apply(() -> 9)).isEqualTo(9);
        }
    }

    @Test
    void terminateLeavesNoWorkerAndNoSharedMemoryBehind() throws Exception {
        Set<Path> before = LeakBaseline.ourSharedMemoryNow();
        Pool pool = new Pool(2);
        Set<Long> pids = new HashSet<>(pool.map(x -> {
            Thread.sleep(20);
            return ProcessHandle.current().pid();
        }, IntStream.range(0, 20).boxed().toList(), 1));
        pool.mapAsync(ms -> {
            Thread.sleep(ms);
            return ms;
        }, List.of(60_000L, 60_000L), 1);
        pool.terminate();
        for (long pid : pids) {
            assertThat(Pids.isRunning(pid)).isFalse();
        }
        Set<Path> after = LeakBaseline.ourSharedMemoryNow();
        after.removeAll(before);
        assertThat(after).isEmpty();
    }

    @Test
    void shutdownNowAlsoLeavesNothingBehind() throws Exception {
        Set<Path> before = LeakBaseline.ourSharedMemoryNow();
        Pool pool = new Pool(2);
        long pid = pool.apply(() -> ProcessHandle.current().pid());
        pool.shutdownNow();
        assertThat(Pids.isRunning(pid)).isFalse();
        Set<Path> after = LeakBaseline.ourSharedMemoryNow();
        after.removeAll(before);
        assertThat(after).isEmpty();
    }

    @Test
    void aPoolThatNobodyReferencesAnyMoreIsTerminated() throws Exception {
        long pid = workerOfAForgottenPool();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Pids.isRunning(pid) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(Pids.isRunning(pid)).isFalse();
    }

    private static long workerOfAForgottenPool() {
        Pool pool = new Pool(1);
        return pool.apply(() -> ProcessHandle.current().pid());
    }

    /** Calls {@code strlen(NULL)}: a segmentation fault in native code, which the JVM dies of. */
    private static long crashInNativeCode() throws Exception {
        Linker linker = Linker.nativeLinker();
        MethodHandle strlen = linker.downcallHandle(linker.defaultLookup().findOrThrow("strlen"),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        try {
            return (long) strlen.invokeExact(MemorySegment.NULL);
        } catch (Throwable e) {
            throw new IllegalStateException("strlen(NULL) returned", e);
        }
    }

    /** The pid a task wrote into {@code pidFile} before it opened the gate {@code running}. */
    private static long pidWrittenBefore(String running, String pidFile) throws InterruptedException {
        Gate.await(running);
        return Long.parseLong(Scratch.read(pidFile));
    }
}
