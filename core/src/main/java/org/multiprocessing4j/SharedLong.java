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

    SharedLong(long initial) {
        super(SharedLayout.Header.KIND_VALUE, SharedLayout.Value.SIZE, SharedLayout.Value.VALUE, SharedLayout.Value.LOCK);
        set(initial);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private SharedLong(DataInputStream in) throws IOException {
        super(in);
    }

    public long get() {
        return (long) Atomics.LONG.getVolatile(memory(), data);
    }

    public void set(long value) {
        Atomics.LONG.setVolatile(memory(), data, value);
    }

    public long addAndGet(long delta) {
        return (long) Atomics.LONG.getAndAdd(memory(), data, delta) + delta;
    }

    public long getAndAdd(long delta) {
        return (long) Atomics.LONG.getAndAdd(memory(), data, delta);
    }

    public boolean compareAndSet(long expected, long value) {
        return Atomics.LONG.compareAndSet(memory(), data, expected, value);
    }

    @Override
    public String toString() {
        return "<SharedLong(" + get() + ")>";
    }
}
