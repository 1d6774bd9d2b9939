package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;

/**
 * An event's flag in shared memory ({@link SharedLayout.Event}): a word, 0 clear and 1 set, and
 * the count of its sleepers.
 *
 * <p>{@code set} stores 1, and makes the futex call that wakes sleepers only if the count has any:
 * setting an event nobody waits for is a store and a load, not a system call (which costs more
 * here than CPython's whole {@code set}). A waiter sleeps on the word while it reads 0, in slices,
 * looking at interruption between them. Memory ordering, as for every waiter of
 * {@link SpinThenSleep#sleepUntil}: the sleeper reads the word, counts itself, looks at the flag a
 * last time and sleeps only while the word is what it read; {@code set} stores the word, then reads
 * the count. All four are volatile, so either the sleeper sees the flag set or {@code set} sees the
 * sleeper counted, and the futex wait, which compares the word in the kernel, returns at once if
 * the store came in between: no wake-up is lost. A waiter killed while counted leaves the count
 * above zero, which costs later sets a futex call each, and nothing else.
 */
public final class SharedEvent implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int CLEAR = 0;
    private static final int SET = 1;

    private final SharedSegment segment;
    private final long flag;
    private final long sleepers;

    /** The event whose chunk is at {@code base} in {@code segment}. */
    public SharedEvent(SharedSegment segment, long base) {
        this.segment = segment;
        this.flag = base + SharedLayout.Event.FLAG;
        this.sleepers = base + SharedLayout.Event.SLEEPERS;
    }

    /** Writes where this event is, for {@link #readFrom}. */
    public void writeTo(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(flag - SharedLayout.Event.FLAG);
    }

    /** The event that {@link #writeTo} wrote, in this process. */
    public static SharedEvent readFrom(DataInputStream in) throws IOException {
        SharedSegment segment = SharedSegment.readFrom(in);
        return new SharedEvent(segment, segment.checkedOffset(in.readLong(), SharedLayout.Event.SIZE));
    }

    public boolean isSet() {
        return (int) Atomics.INT.getVolatile(segment.memory(), flag) == SET;
    }

    /** Sets the flag and wakes every thread of every process waiting for it. */
    public void set() {
        Atomics.INT.setVolatile(segment.memory(), flag, SET);
        SpinThenSleep.wakeSleepers(segment, flag, sleepers);
    }

    public void clear() {
        Atomics.INT.setVolatile(segment.memory(), flag, CLEAR);
    }

    /**
     * Waits until the flag is set or {@code deadline} passes.
     *
     * @return true if the flag is set
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean await(Deadline deadline) throws InterruptedException {
        return isSet() || SpinThenSleep.sleepUntil(segment, flag, sleepers, deadline, this::isSet, () -> false);
    }

    /** The same flag in the same segment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SharedEvent other && flag == other.flag && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(flag);
    }
}
