package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.internal.launch.SpawnPopen;
import org.multiprocessing4j.testing.JavaProgram;
import org.multiprocessing4j.testing.LeakBaseline;
import org.multiprocessing4j.testing.Pids;
import org.multiprocessing4j.testing.Scratch;

/** A program's pool ends with the program, whether it ends in order or is killed, and leaves nothing behind. */
@Timeout(120)
class PoolProgramExitTest {
    private static final Duration PROGRAM_LIMIT = Duration.ofSeconds(60);
    private static final Duration CLEAN_UP_LIMIT = Duration.ofSeconds(15);
    private static final int SIGTERM = 15;

    @TempDir
    Path dir;

    /** Makes a pool, prints its workers' pids, and returns from main without shutting it down. */
    public static class MainForgetsItsPool {
        public static void main(String[] args) {
            Pool pool = new Pool(2);
            printWorkerPids(pool);
        }
    }

    /** Makes a pool, prints its workers' pids, and keeps them busy until it is killed. */
    public static class MainKeepsItsPoolBusy {
        public static void main(String[] args) throws Exception {
            Pool pool = new Pool(2);
            printWorkerPids(pool);
            pool.map(ms -> {
                Thread.sleep(ms);
                return ms;
            }, List.of(600_000L, 600_000L), 1);
        }
    }

    /**
     * Waits on a map whose two tasks each print the pid of the worker that runs it, then sleep until
     * killed. A thread that dies of an exception writes it to the file {@code args[0]}. The program's
     * own shutdown work takes half a second, time enough for a failing thread to do so.
     */
    public static class MainWaitsOnItsPool {
        public static void main(String[] args) {
            Thread.setDefaultUncaughtExceptionHandler((thread, e) -> Scratch.write(args[0], thread.getName() + ": " + e));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            Pool pool = new Pool(2);
            pool.map(ms -> {
                System.out.println(ProcessHandle.current().pid());
                Thread.sleep(ms);
                return ms;
            }, List.of(600_000L, 600_000L), 1);
        }
    }

    /** Returns from main with a task running, whose result a shutdown hook waits for and writes to the file {@code args[0]}. */
    public static class AShutdownHookWaitsOnAPoolsResult {
        public static void main(String[] args) {
            Pool pool = new Pool(1);
            CompletableFuture<Long> result = pool.applyAsync(() -> {
                Thread.sleep(600_000);
                return 0L;
            });
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Scratch.write(args[0], "got " + result.get());
                } catch (InterruptedException | ExecutionException | CancellationException e) {
                    Scratch.write(args[0], "got " + e.getClass().getSimpleName());
                }
            }));
        }
    }

    static void printWorkerPids(Pool pool) {
        List<Long> pids = pool.map(x -> {
            Thread.sleep(100);
            return ProcessHandle.current().pid();
        }, IntStream.range(0, 8).boxed().toList(), 1);
        System.out.println(pids.stream().distinct().map(String::valueOf).reduce((a, b) -> a + " " + b).orElseThrow());
    }

    @Test
    void aPoolThatMainForgetsEndsWithTheProgramAndLeavesNoFile() throws Exception {
        try (JavaProgram program = JavaProgram.start(MainForgetsItsPool.class)) {
            List<Long> workers = pids(program.nextLine(PROGRAM_LIMIT));
            assertThat(program.waitFor(PROGRAM_LIMIT)).isZero();
            for (long pid : workers) {
                Pids.awaitGone(pid, Duration.ofSeconds(5));
            }
            awaitNoFilesOf(program.pid());
        }
    }

    @Test
    void theWorkersOfAProgramKilledBySigkillExitWithinOneSecond() throws Exception {
        try (JavaProgram program = JavaProgram.start(MainKeepsItsPoolBusy.class)) {
            List<Long> workers = pids(program.nextLine(PROGRAM_LIMIT));
            long killed = System.nanoTime();
            program.process().destroyForcibly();
            for (long pid : workers) {
                Pids.awaitGone(pid, Duration.ofSeconds(1).minusNanos(System.nanoTime() - killed));
            }
            program.process().onExit().get(10, TimeUnit.SECONDS);
            awaitNoFilesOf(program.pid());
        }
    }

    @Test
    void aProgramTerminatedWhileMainWaitsOnAMapEndsWithoutTheMapFailingItsMainThread() throws Exception {
        Path uncaught = dir.resolve("uncaught");
        try (JavaProgram program = JavaProgram.start(MainWaitsOnItsPool.class, uncaught.toString())) {
            List<Long> workers = List.of(Long.parseLong(program.nextLine(PROGRAM_LIMIT)),
                    Long.parseLong(program.nextLine(PROGRAM_LIMIT)));
            program.process().destroy(); // SIGTERM, as a service manager stops a program, or Ctrl-C a terminal's
            assertThat(program.waitFor(PROGRAM_LIMIT)).isEqualTo(SpawnPopen.SIGNAL_STATUS_BASE + SIGTERM);
            assertThat(uncaught).as("main's wait ends with the JVM, as Python's ends with its process").doesNotExist();
            for (long pid : workers) {
                Pids.awaitGone(pid, Duration.ofSeconds(5));
            }
            awaitNoFilesOf(program.pid());
        }
    }

    @Test
    void aShutdownHookThatWaitsOnAPoolsResultAtTheProgramsEndGetsItCancelledAndTheProgramEnds() throws Exception {
        Path got = dir.resolve("got");
        try (JavaProgram program = JavaProgram.start(AShutdownHookWaitsOnAPoolsResult.class, got.toString())) {
            assertThat(program.waitFor(PROGRAM_LIMIT)).isZero();
            assertThat(Files.readString(got)).isEqualTo("got CancellationException");
            awaitNoFilesOf(program.pid());
        }
    }

    private static List<Long> pids(String line) {
        List<Long> pids = new ArrayList<>();
        for (String pid : line.trim().split(" ")) {
            pids.add(Long.parseLong(pid));
        }
        assertThat(pids).hasSize(2);
        return pids;
    }

    /** Waits until neither /dev/shm nor the temporary directory holds a file of the tree rooted at {@code pid}. */
    private static void awaitNoFilesOf(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + CLEAN_UP_LIMIT.toNanos();
        List<Path> left = filesOf(pid);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = filesOf(pid);
        }
        assertThat(left).isEmpty();
    }

    private static List<Path> filesOf(long pid) {
        return LeakBaseline.ourFilesNow().stream()
                .filter(f -> f.getFileName().toString().startsWith("mp4j-" + pid + "-")).toList();
    }
}
