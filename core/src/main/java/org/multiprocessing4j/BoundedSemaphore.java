package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;

/**
 * A semaphore that refuses to be released above its initial value, Python's
 * {@code multiprocessing.BoundedSemaphore}: such a release throws {@link IllegalStateException}
 * ({@code "semaphore or lock released too many times"}) and changes nothing.
 */
public final class BoundedSemaphore extends Semaphore {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * A semaphore with {@code value} permits, never more.
     *
     * @param value the initial permits, and the most it may have
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public BoundedSemaphore(int value) {
        super(value, value);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private BoundedSemaphore(DataInputStream in) throws IOException {
        super(in);
    }
}
