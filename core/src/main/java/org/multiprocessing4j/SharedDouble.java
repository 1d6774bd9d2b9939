package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import org.multiprocessing4j.internal.shm.Atomics;
import org.multiprocessing4j.internal.shm.SharedLayout;

/**
 * A {@code double} in shared memory, Python's {@code Value('d')}, stored as its IEEE bits in a
 * long: get and set are atomic, and {@link #addAndGet} and {@link #compareAndSet} are compare-and-set
 * on the bits (so compareAndSet compares bits: -0.0 is not 0.0, and NaN equals the same NaN).
 * Made by {@link Value#ofDouble}.
 */
public final class SharedDouble extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    SharedDouble(double initial, boolean raw) {
        super(SharedLayout.Header.KIND_VALUE, SharedLayout.Value.SIZE, SharedLayout.Value.VALUE, SharedLayout.Value.LOCK, raw);
        set(initial);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private SharedDouble(DataInputStream in) throws IOException {
        super(in);
    }

    /**
     * The value, read atomically with volatile semantics.
     *
     * @return the value
     */
    public double get() {
        return Double.longBitsToDouble((long) Atomics.LONG.getVolatile(memory(), data));
    }

    /**
     * Writes the value atomically with volatile semantics.
     *
     * @param value the new value
     */
    public void set(double value) {
        Atomics.LONG.setVolatile(memory(), data, Double.doubleToRawLongBits(value));
    }

    /**
     * Adds {@code delta} atomically (a compare-and-set loop).
     *
     * @param delta what to add
     * @return the value after
     */
    public double addAndGet(double delta) {
        return getAndAdd(delta) + delta;
    }

    /**
     * Adds {@code delta} atomically (a compare-and-set loop).
     *
     * @param delta what to add
     * @return the value before
     */
    public double getAndAdd(double delta) {
        while (true) {
            long bits = (long) Atomics.LONG.getVolatile(memory(), data);
            double previous = Double.longBitsToDouble(bits);
            if (Atomics.LONG.compareAndSet(memory(), data, bits, Double.doubleToRawLongBits(previous + delta))) {
                return previous;
            }
        }
    }

    /**
     * Sets the value to {@code value} if its bits are {@code expected}'s, atomically: -0.0 is not
     * 0.0, and NaN equals the same NaN.
     *
     * @param expected the value it must have
     * @param value the new value
     * @return true if it was set
     */
    public boolean compareAndSet(double expected, double value) {
        return Atomics.LONG.compareAndSet(memory(), data, Double.doubleToRawLongBits(expected),
                Double.doubleToRawLongBits(value));
    }

    @Override
    public String toString() {
        return "<SharedDouble(" + get() + ")>";
    }
}
