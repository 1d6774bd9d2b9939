package org.multiprocessing4j.bench;

import java.nio.file.Path;
import java.util.List;
import org.multiprocessing4j.Process;

/** The workloads of ../shared/bench/python_mp_bench.py, in Java, shared by JMH and SideBySide. */
final class Workloads {
    private Workloads() {}

    /** Starts a child with an empty target and waits for it; returns its exit code. */
    static int startJoinOnce() throws InterruptedException {
        Process p = new Process(() -> { });
        p.start();
        p.join();
        return p.exitCode().orElseThrow();
    }

    /**
     * Mean milliseconds to start and wait for a bare JVM that runs an empty {@code main}, with the
     * class path and the options a child gets: the floor under any child of start method SPAWN.
     */
    static double bareJvmMillis(int n) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), EmptyMain.class.getName());
        new ProcessBuilder(command).inheritIO().start().waitFor();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            new ProcessBuilder(command).inheritIO().start().waitFor();
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }

    /** The program that {@link #bareJvmMillis} runs. */
    public static final class EmptyMain {
        public static void main(String[] args) {}
    }

    /** Mean milliseconds of {@link #startJoinOnce} over {@code n} runs, after one warm-up run. */
    static double startJoinMillis(int n) throws InterruptedException {
        startJoinOnce();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            startJoinOnce();
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }
}
