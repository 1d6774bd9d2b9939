package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.shm.SharedSemaphore;
import org.multiprocessing4j.internal.shm.Uninterruptibly;

/**
 * A counting semaphore shared by processes, Python's {@code multiprocessing.Semaphore}: release has
 * no upper bound. See {@link BoundedSemaphore} for one that refuses to go above its initial value.
 *
 * <p>Permits are counts, as in Python: a permit one process releases, another may take and keep.
 * Beyond Python: permits that a process acquired and had not released when it crashed (killed,
 * even by SIGKILL) are given back within 50 ms of a waiter noticing (or of a call to
 * {@link #value()}); a process that exits in order keeps what it took, and a
 * {@link BoundedSemaphore} never goes above its bound.
 *
 * <pre>{@code
 * Semaphore slots = new Semaphore(2);       // at most two children in the section at once
 * new Process(() -> {
 *     try (Held slot = slots.hold()) {
 *         useTheSharedResource();
 *     }
 * }).start();
 * }</pre>
 */
public sealed class Semaphore implements Serializable permits BoundedSemaphore {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The shared count. */
    private final SharedSemaphore semaphore;

    /**
     * A semaphore with {@code value} permits.
     *
     * @param value the initial permits
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Semaphore(int value) {
        this(value, SharedLayout.Semaphore.UNBOUNDED);
    }

    Semaphore(int value, int bound) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0, not " + value);
        }
        SharedHeap.Chunk chunk = SharedHeap.allocate(SharedLayout.Header.KIND_SEMAPHORE, SharedLayout.Semaphore.SIZE);
        this.semaphore = new SharedSemaphore(chunk.segment(), chunk.offset());
        semaphore.initialize(value, bound);
        chunk.freeWhenUnreachable(this);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    Semaphore(DataInputStream in) throws IOException {
        this.semaphore = SharedSemaphore.readFrom(in);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        semaphore.writeTo(out);
        return true;
    }

    /**
     * Blocks until a permit is taken.
     *
     * @throws InterruptedException if interrupted while waiting; no permit is then taken
     */
    public void acquire() throws InterruptedException {
        semaphore.acquire(Deadline.never());
    }

    /**
     * With {@code false}, one attempt that never blocks; with {@code true}, as {@link #acquire()} but
     * not interruptibly (an interrupt is kept for later).
     *
     * @param block whether to wait
     * @return true if a permit was taken
     */
    public boolean acquire(boolean block) {
        if (!block) {
            return semaphore.tryAcquire();
        }
        Uninterruptibly.run(this::acquire);
        return true;
    }

    /**
     * Blocks at most {@code timeout} (zero or negative: one attempt).
     *
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return true if a permit was taken
     * @throws InterruptedException if interrupted while waiting; no permit is then taken
     */
    public boolean acquire(Duration timeout) throws InterruptedException {
        return semaphore.tryAcquire() || semaphore.acquire(Deadline.after(timeout));
    }

    /**
     * Adds a permit, waking one waiter.
     *
     * @throws IllegalStateException for a {@link BoundedSemaphore} already at its initial value
     */
    public void release() {
        semaphore.release();
    }

    /**
     * Acquires a permit and returns the {@link Held} that releases it: its first {@code close()}
     * releases, later ones do nothing.
     *
     * @return what releases the permit, when closed
     * @throws InterruptedException if interrupted while waiting; no permit is then taken
     */
    public Held hold() throws InterruptedException {
        acquire();
        return new HeldOnce(this::release);
    }

    /**
     * The permits available now (Python's {@code get_value()}), after giving back those of crashed
     * holders.
     *
     * @return the permits
     */
    public int value() {
        return semaphore.value();
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + "(value=" + value() + ")>";
    }

    /** Handles are equal when they refer to the same shared semaphore, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Semaphore other && getClass() == other.getClass() && semaphore.equals(other.semaphore);
    }

    @Override
    public int hashCode() {
        return semaphore.hashCode();
    }

}
