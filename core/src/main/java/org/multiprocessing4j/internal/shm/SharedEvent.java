package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * An event's flag in shared memory ({@link SharedLayout.Event}): one word, 0 clear and 1 set.
 *
 * <p>{@code set} stores 1 and wakes every sleeper; a waiter sleeps on the word while it reads 0, in
 * slices, looking at interruption between them. Memory ordering: the store and the waiter's load
 * are volatile, and the futex wait compares the word in the kernel against 0, so a set between the
 * waiter's look and its sleep makes the sleep return at once: no wake-up is lost.
 */
public final class SharedEvent implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int CLEAR = 0;
    private static final int SET = 1;

    private final SharedSegment segment;
    private final long flag;

    /** The event whose chunk is at {@code base} in {@code segment}. */
    public SharedEvent(SharedSegment segment, long base) {
        this.segment = segment;
        this.flag = base + SharedLayout.Event.FLAG;
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
        Futex.wakeAll(segment.word(flag));
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
        MemorySegment memory = segment.memory();
        MemorySegment word = segment.word(flag);
        while ((int) Atomics.INT.getVolatile(memory, flag) != SET) {
            if (deadline.passed()) {
                return false;
            }
            Deadline.checkInterrupt();
            Futex.await(word, CLEAR, deadline.slice());
        }
        return true;
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
