package org.multiprocessing4j.internal.shm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The end of a blocking wait, and the slices it is waited in. A futex wait is not interrupted by
 * {@link Thread#interrupt()}, and nothing wakes a waiter when another process dies, so waiters
 * sleep at most {@link #SLICE} at a time, then look at both.
 */
public final class Deadline {
    /** The longest single sleep: bounds how late an interrupt or a holder's death is noticed. */
    public static final Duration SLICE = Duration.ofMillis(50);

    private final long end;

    private Deadline(long end) {
        this.end = end;
    }

    /**
     * Timeouts at least this long never end: {@code System.nanoTime()} plus more would overflow,
     * and 146 years is for ever to a waiting thread.
     */
    private static final long FOREVER_NANOS = Long.MAX_VALUE / 2;

    /**
     * A deadline {@code timeout} from now; {@code null} or a timeout of {@link #FOREVER_NANOS} or
     * more never ends, and a zero or negative one has passed.
     */
    public static Deadline after(Duration timeout) {
        return timeout == null ? NEVER : afterNanos(nanos(timeout));
    }

    /** As {@link #after(Duration)}, for {@code java.util.concurrent}'s (time, unit) pairs of any size. */
    public static Deadline after(long time, TimeUnit unit) {
        return afterNanos(unit.toNanos(time)); // toNanos saturates
    }

    private static Deadline afterNanos(long nanos) {
        if (nanos >= FOREVER_NANOS) {
            return NEVER;
        }
        return new Deadline(System.nanoTime() + Math.max(0, nanos));
    }

    /**
     * {@code timeout} in nanoseconds, saturated to {@code Long.MAX_VALUE} or {@code Long.MIN_VALUE}
     * where {@link Duration#toNanos()} would throw {@link ArithmeticException}.
     */
    public static long nanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return timeout.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** A deadline that has passed: one attempt, no wait. One shared instance, allocated once. */
    public static Deadline immediate() {
        return PASSED;
    }

    private static final Deadline PASSED = new Deadline(System.nanoTime()); // the clock only moves on

    /** The deadline that never passes; one shared instance, so an untimed wait allocates nothing. */
    public static Deadline never() {
        return NEVER;
    }

    private static final Deadline NEVER = new Deadline(Long.MAX_VALUE);

    public boolean passed() {
        return end != Long.MAX_VALUE && System.nanoTime() - end >= 0;
    }

    /** Nanoseconds left, zero once passed; {@code Long.MAX_VALUE} for a deadline that never ends. */
    public long remainingNanos() {
        return end == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, end - System.nanoTime());
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
