package org.multiprocessing4j.internal.shm;

import java.io.FileInputStream;
import java.io.IOException;

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
    /**
     * Room for a stat line: 52 fields, none over 20 digits, and a command name of at most 64 bytes
     * (16 for a process's own, longer for a kernel thread's).
     */
    private static final int STAT_BYTES = 1_280;

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

    /**
     * The start time of {@code pid}, or {@link #NOT_RUNNING} if it does not run or is a zombie. Read
     * as bytes and parsed in place, with no string per field: waits and liveness checks of a fresh
     * process call it before it is compiled.
     */
    public static long startTime(long pid) {
        byte[] stat = new byte[STAT_BYTES];
        int length;
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
            length = in.readNBytes(stat, 0, stat.length);
        } catch (IOException e) {
            return NOT_RUNNING;
        }
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses; fields count from its end.
        int at = lastIndexOf(stat, length, (byte) ')') + 2; // field 3, the state
        if (at < 2 || at >= length) {
            return NOT_RUNNING; // not a stat line: no process we can name
        }
        if (stat[at] == 'Z' || stat[at] == 'X') {
            return NOT_RUNNING;
        }
        for (int field = STATE_FIELD; field < START_TIME_FIELD; field++) {
            while (at < length && stat[at] != ' ') {
                at++;
            }
            at++;
        }
        long start = 0;
        for (; at < length && stat[at] >= '0' && stat[at] <= '9'; at++) {
            start = start * 10 + (stat[at] - '0');
        }
        return start;
    }

    private static int lastIndexOf(byte[] bytes, int length, byte wanted) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
