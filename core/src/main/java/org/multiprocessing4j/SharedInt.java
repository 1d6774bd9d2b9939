package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import org.multiprocessing4j.internal.shm.Atomics;
import org.multiprocessing4j.internal.shm.SharedLayout;

/**
 * An {@code int} in shared memory, Python's {@code Value('i')}. Every method is atomic, as an
 * {@link java.util.concurrent.atomic.AtomicInteger}'s; {@link #lock()} guards updates that span several
 * calls. Made by {@link Value#ofInt}.
 */
public final class SharedInt extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    SharedInt(int initial, boolean raw) {
        super(SharedLayout.Header.KIND_VALUE, SharedLayout.Value.SIZE, SharedLayout.Value.VALUE, SharedLayout.Value.LOCK, raw);
        set(initial);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private SharedInt(DataInputStream in) throws IOException {
        super(in);
    }

    /**
     * The value, read atomically with volatile semantics.
     *
     * @return the value
     */
    public int get() {
        return (int) Atomics.INT.getVolatile(memory(), data);
    }

    /**
     * Writes the value atomically with volatile semantics.
     *
     * @param value the new value
     */
    public void set(int value) {
        Atomics.INT.setVolatile(memory(), data, value);
    }

    /**
     * Adds {@code delta} atomically.
     *
     * @param delta what to add
     * @return the value after
     */
    public int addAndGet(int delta) {
        return (int) Atomics.INT.getAndAdd(memory(), data, delta) + delta;
    }

    /**
     * Adds {@code delta} atomically.
     *
     * @param delta what to add
     * @return the value before
     */
    public int getAndAdd(int delta) {
        return (int) Atomics.INT.getAndAdd(memory(), data, delta);
    }

    /**
     * Sets the value to {@code value} if it is {@code expected}, atomically.
     *
     * @param expected the value it must have
     * @param value the new value
     * @return true if it was set
     */
    public boolean compareAndSet(int expected, int value) {
        return Atomics.INT.compareAndSet(memory(), data, expected, value);
    }

    @Override
    public String toString() {
        return "<SharedInt(" + get() + ")>";
    }
}
