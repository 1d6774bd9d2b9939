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
            char state = state(Path.of("/proc", Long.toString(pid), "stat"));
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The state letter (R, S, D, Z, ...) in a process's or thread's {@code stat} file. */
    public static char state(Path stat) throws IOException {
        String line = Files.readString(stat);
        // pid (comm) STATE ...; comm may hold spaces and parentheses, so split after the last ')'
        return line.substring(line.lastIndexOf(')') + 2).charAt(0);
    }

    /** Sends signal {@code name} (as {@code kill} spells it: STOP, KILL, ...) to {@code pids}. */
    public static void signal(String name, long... pids) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("kill", "-" + name));
        for (long pid : pids) {
            command.add(Long.toString(pid));
        }
        int status = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (status != 0) {
            throw new IOException(command + " failed with status " + status);
        }
    }

    /**
     * Sends signal {@code name} to each of {@code pids} that still runs; one that has ended is passed
     * over. A stopped process can end before it is continued: by SIGKILL, or by the SIGHUP and
     * SIGCONT the kernel sends the stopped members of a process group that its program's end
     * orphans (a JVM ends on SIGHUP).
     */
    public static void signalThoseRunning(String name, long... pids) throws IOException, InterruptedException {
        for (long pid : pids) {
            try {
                signal(name, pid);
            } catch (IOException failed) {
                if (isRunning(pid)) {
                    throw failed;
                }
            }
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
