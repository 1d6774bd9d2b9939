package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import org.multiprocessing4j.internal.shm.Atomics;

/**
 * A fixed-length {@code long[]} in shared memory, Python's {@code Array('q', n)}: each element
 * access is atomic, as an {@link java.util.concurrent.atomic.AtomicLongArray}'s; {@link #lock()}
 * guards updates that span several elements. Made by {@link Array#ofLongs}.
 */
public final class SharedLongArray extends SharedArrayCell {
    @Serial
    private static final long serialVersionUID = 1L;

    SharedLongArray(int length, boolean raw) {
        super(length, Long.BYTES, raw);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private SharedLongArray(DataInputStream in) throws IOException {
        super(in);
    }

    /**
     * Element {@code i}, read atomically with volatile semantics.
     *
     * @param i the index
     * @return the element
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public long get(int i) {
        return (long) Atomics.LONG.getVolatile(memory(), offset(i));
    }

    /**
     * Writes element {@code i} atomically with volatile semantics.
     *
     * @param i the index
     * @param value the new element
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public void set(int i, long value) {
        Atomics.LONG.setVolatile(memory(), offset(i), value);
    }

    /**
     * Adds {@code delta} to element {@code i} atomically.
     *
     * @param i the index
     * @param delta what to add
     * @return the element after
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public long addAndGet(int i, long delta) {
        return (long) Atomics.LONG.getAndAdd(memory(), offset(i), delta) + delta;
    }

    /**
     * Adds {@code delta} to element {@code i} atomically.
     *
     * @param i the index
     * @param delta what to add
     * @return the element before
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public long getAndAdd(int i, long delta) {
        return (long) Atomics.LONG.getAndAdd(memory(), offset(i), delta);
    }

    /**
     * Sets element {@code i} to {@code value} if it is {@code expected}, atomically.
     *
     * @param i the index
     * @param expected the element it must have
     * @param value the new element
     * @return true if it was set
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public boolean compareAndSet(int i, long expected, long value) {
        return Atomics.LONG.compareAndSet(memory(), offset(i), expected, value);
    }

    /**
     * A copy; each element is read atomically, the whole only under {@link #lock()}.
     *
     * @return the elements
     */
    public long[] toArray() {
        long[] copy = new long[length()];
        for (int i = 0; i < length(); i++) {
            copy[i] = get(i);
        }
        return copy;
    }

    @Override
    public String toString() {
        return "<SharedLongArray" + java.util.Arrays.toString(toArray()) + ">";
    }
}
