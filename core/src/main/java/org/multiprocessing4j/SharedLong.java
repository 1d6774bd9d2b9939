package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import org.multiprocessing4j.internal.shm.Atomics;
import org.multiprocessing4j.internal.shm.SharedLayout;

/**
 * A {@code long} in shared memory, Python's {@code Value('q')}. Every method is atomic, as an
 * {@link java.util.concurrent.atomic.AtomicLong}'s; {@link #lock()} guards updates that span several
 * calls. Made by {@link Value#ofLong}.
 */
public final class SharedLong extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    SharedLong(long initial, boolean raw) {
        super(SharedLayout.Header.KIND_VALUE, SharedLayout.Value.SIZE, SharedLayout.Value.VALUE, SharedLayout.Value.LOCK, raw);
        set(initial);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private SharedLong(DataInputStream in) throws IOException {
        super(in);
    }

    /**
     * The value, read atomically with volatile semantics.
     *
     * @return the value
     */
    public long get() {
        return (long) Atomics.LONG.getVolatile(memory(), data);
    }

    /**
     * Writes the value atomically with volatile semantics.
     *
     * @param value the new value
     */
    public void set(long value) {
        Atomics.LONG.setVolatile(memory(), data, value);
    }

    /**
     * Adds {@code delta} atomically.
     *
     * @param delta what to add
     * @return the value after
     */
    public long addAndGet(long delta) {
        return (long) Atomics.LONG.getAndAdd(memory(), data, delta) + delta;
    }

    /**
     * Adds {@code delta} atomically.
     *
     * @param delta what to add
     * @return the value before
     */
    public long getAndAdd(long delta) {
        return (long) Atomics.LONG.getAndAdd(memory(), data, delta);
    }

    /**
     * Sets the value to {@code value} if it is {@code expected}, atomically.
     *
     * @param expected the value it must have
     * @param value the new value
     * @return true if it was set
     */
    public boolean compareAndSet(long expected, long value) {
        return Atomics.LONG.compareAndSet(memory(), data, expected, value);
    }

    @Override
    public String toString() {
        return "<SharedLong(" + get() + ")>";
    }
}
