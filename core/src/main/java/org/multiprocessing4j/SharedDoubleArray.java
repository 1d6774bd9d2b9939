package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import org.multiprocessing4j.internal.shm.Atomics;

/**
 * A fixed-length {@code double[]} in shared memory, Python's {@code Array('d', ...)}, each element
 * stored as its IEEE bits: element reads and writes are atomic, {@link #addAndGet} is a
 * compare-and-set loop. Made by {@link Array#ofDoubles}.
 */
public final class SharedDoubleArray extends SharedArrayCell {
    @Serial
    private static final long serialVersionUID = 1L;

    SharedDoubleArray(int length, boolean raw) {
        super(length, Double.BYTES, raw);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private SharedDoubleArray(DataInputStream in) throws IOException {
        super(in);
    }

    /**
     * Element {@code i}, read atomically with volatile semantics.
     *
     * @param i the index
     * @return the element
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public double get(int i) {
        return Double.longBitsToDouble((long) Atomics.LONG.getVolatile(memory(), offset(i)));
    }

    /**
     * Writes element {@code i} atomically with volatile semantics.
     *
     * @param i the index
     * @param value the new element
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public void set(int i, double value) {
        Atomics.LONG.setVolatile(memory(), offset(i), Double.doubleToRawLongBits(value));
    }

    /**
     * Adds {@code delta} to element {@code i} atomically.
     *
     * @param i the index
     * @param delta what to add
     * @return the element after
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public double addAndGet(int i, double delta) {
        return getAndAdd(i, delta) + delta;
    }

    /**
     * Adds {@code delta} to element {@code i} atomically.
     *
     * @param i the index
     * @param delta what to add
     * @return the element before
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public double getAndAdd(int i, double delta) {
        long offset = offset(i);
        while (true) {
            long bits = (long) Atomics.LONG.getVolatile(memory(), offset);
            double previous = Double.longBitsToDouble(bits);
            if (Atomics.LONG.compareAndSet(memory(), offset, bits, Double.doubleToRawLongBits(previous + delta))) {
                return previous;
            }
        }
    }

    /**
     * Sets element {@code i} to {@code value} if it is {@code expected}, atomically (compares bits, as {@link SharedDouble#compareAndSet}: -0.0 is not 0.0, and NaN equals the same NaN).
     *
     * @param i the index
     * @param expected the element it must have
     * @param value the new element
     * @return true if it was set
     * @throws IndexOutOfBoundsException outside 0 to length - 1
     */
    public boolean compareAndSet(int i, double expected, double value) {
        return Atomics.LONG.compareAndSet(memory(), offset(i), Double.doubleToRawLongBits(expected),
                Double.doubleToRawLongBits(value));
    }

    /**
     * A copy; each element is read atomically, the whole only under {@link #lock()}.
     *
     * @return the elements
     */
    public double[] toArray() {
        double[] copy = new double[length()];
        for (int i = 0; i < length(); i++) {
            copy[i] = get(i);
        }
        return copy;
    }

    @Override
    public String toString() {
        return "<SharedDoubleArray" + java.util.Arrays.toString(toArray()) + ">";
    }
}
