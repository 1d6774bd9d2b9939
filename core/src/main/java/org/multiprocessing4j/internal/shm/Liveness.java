package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process is alive, told apart from a later process that reuses its pid: a process is
 * named by its pid and its start time in clock ticks since boot (field 22 of
 * {@code /proc/<pid>/stat}). A zombie counts as dead: it runs nothing and holds nothing.
 */
public final class Liveness {
    /** The start time of a process that is not running. */
    public static final long NOT_RUNNING = -1;
    private static final int START_TIME_FIELD = 22;
    private static final int STATE_FIELD = 3;

    private static final long SELF_PID = ProcessHandle.current().pid();
    private static final long SELF_START = startTime(SELF_PID);

    private Liveness() {}

    /**
     * Counts the children this process has seen end. A look at holders' liveness that is rationed
     * in time looks again at once after a child ended, so that a process that has just joined a
     * child sees at once what that child's death means.
     */
    private static volatile int childDeaths;

    /** Called when this process has seen a child of its own end. */
    public static void childEnded() {
        childDeaths++; // a lost increment among concurrent ones still changes the count
    }

    public static int childDeaths() {
        return childDeaths;
    }

    /**
     * This process as {@code <pid>-<start time>}: how the names of the files this library makes
     * (segments, spill files, compiled programs) say whose they are.
     */
    public static String selfTag() {
        return SELF_PID + "-" + SELF_START;
    }

    /**
     * True if the process that {@code tag} names runs: a {@code <pid>-<start time>} tag, perhaps
     * followed by more {@code -}parts. A tag that names no process counts as dead.
     */
    public static boolean isAlive(String tag) {
        String[] parts = tag.split("-");
        try {
            return parts.length >= 2 && isAlive(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public static long selfPid() {
        return SELF_PID;
    }

    public static long selfStartTime() {
        return SELF_START;
    }

    /** True if {@code pid} runs and started at {@code startTime}. */
    public static boolean isAlive(long pid, long startTime) {
        return pid > 0 && startTime != NOT_RUNNING && startTime(pid) == startTime;
    }

    /** The start time of {@code pid}, or {@link #NOT_RUNNING} if it does not run or is a zombie. */
    public static long startTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return NOT_RUNNING;
        }
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses; fields count from its end.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        int offset = STATE_FIELD; // fields[0] is field 3
        char state = fields[0].charAt(0);
        if (state == 'Z' || state == 'X') {
            return NOT_RUNNING;
        }
        return Long.parseLong(fields[START_TIME_FIELD - offset]);
    }
}
