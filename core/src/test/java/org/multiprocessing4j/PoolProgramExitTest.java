package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.testing.JavaProgram;
import org.multiprocessing4j.testing.LeakBaseline;
import org.multiprocessing4j.testing.Pids;

/** A program's pool ends with the program, whether it ends in order or is killed, and leaves nothing behind. */
@Timeout(120)
class PoolProgramExitTest {
    private static final Duration PROGRAM_LIMIT = Duration.ofSeconds(60);
    private static final Duration CLEAN_UP_LIMIT = Duration.ofSeconds(15);

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
