package org.multiprocessing4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Whether processes that are not our children are still running. */
public final class Pids {
    private static final Duration POLL = Duration.ofMillis(5);

    private Pids() {}

    /**
     * True if {@code pid} is running. A zombie (state Z: dead, not yet reaped by whoever adopted it)
     * counts as gone, since it runs nothing and holds nothing but its pid.
     */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) STATE ...; comm may hold spaces and parentheses, so split after the last ')'
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code pid} is gone; throws AssertionError if it still runs after {@code limit}. */
    public static void awaitGone(long pid, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("process " + pid + " still runs after " + limit);
            }
            Thread.sleep(POLL);
        }
    }
}
