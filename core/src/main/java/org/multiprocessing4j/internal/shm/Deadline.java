package org.multiprocessing4j.internal.shm;

import java.time.Duration;

/**
 * The end of a blocking wait, and the slices it is waited in. A futex wait is not interrupted by
 * {@link Thread#interrupt()}, and nothing wakes a waiter when another process dies, so waiters
 * sleep at most {@link #SLICE} at a time, then look at both.
 */
public final class Deadline {
    /** The longest single sleep: bounds how late an interrupt or a holder's death is noticed. */
    public static final Duration SLICE = Duration.ofMillis(50);
    /** Busy-wait iterations before the first sleep: a lock held briefly is often free by then. */
    public static final int SPINS = 200;

    private final long end;

    private Deadline(long end) {
        this.end = end;
    }

    /** A deadline {@code timeout} from now; {@code null} or a huge timeout never ends. */
    public static Deadline after(Duration timeout) {
        if (timeout == null) {
            return NEVER;
        }
        long nanos = Math.max(0, timeout.toNanos() > Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : timeout.toNanos());
        return new Deadline(System.nanoTime() + nanos);
    }

    /** The deadline that never passes; one shared instance, so an untimed wait allocates nothing. */
    public static Deadline never() {
        return NEVER;
    }

    private static final Deadline NEVER = new Deadline(Long.MAX_VALUE);

    public boolean passed() {
        return end != Long.MAX_VALUE && System.nanoTime() - end >= 0;
    }

    /** How long the next sleep may be: the time left, at most {@link #SLICE}. */
    public Duration slice() {
        if (end == Long.MAX_VALUE) {
            return SLICE;
        }
        long left = end - System.nanoTime();
        return Duration.ofNanos(Math.max(0, Math.min(left, SLICE.toNanos())));
    }

    /** Throws if the thread was interrupted, clearing the flag. */
    public static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }
}
