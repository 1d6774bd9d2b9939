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

    SharedInt(int initial) {
        super(SharedLayout.Header.KIND_VALUE, SharedLayout.Value.SIZE, SharedLayout.Value.VALUE, SharedLayout.Value.LOCK);
        set(initial);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private SharedInt(DataInputStream in) throws IOException {
        super(in);
    }

    public int get() {
        return (int) Atomics.INT.getVolatile(memory(), data);
    }

    public void set(int value) {
        Atomics.INT.setVolatile(memory(), data, value);
    }

    public int addAndGet(int delta) {
        return (int) Atomics.INT.getAndAdd(memory(), data, delta) + delta;
    }

    public int getAndAdd(int delta) {
        return (int) Atomics.INT.getAndAdd(memory(), data, delta);
    }

    public boolean compareAndSet(int expected, int value) {
        return Atomics.INT.compareAndSet(memory(), data, expected, value);
    }

    @Override
    public String toString() {
        return "<SharedInt(" + get() + ")>";
    }
}
