package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.SharedCondition;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.shm.Uninterruptibly;

/**
 * A condition variable shared by processes, over an {@link RLock}: Python's
 * {@code multiprocessing.Condition} ({@code wait}, {@code notify}, {@code notify_all},
 * {@code wait_for} are {@link #await}, {@link #signal}, {@link #signalAll}, {@link #awaitUntil}).
 *
 * <p>{@code signal()} lets exactly one waiter through, as Python's {@code notify()}, and beyond
 * Python a waiter whose process was killed inside {@code await} counts for nothing: no later signal
 * is spent on it. The algorithm is {@code SharedCondition}'s. It is also a
 * {@link java.util.concurrent.locks.Condition}.
 *
 * <pre>{@code
 * Condition ready = new Condition();
 * new Process(() -> {
 *     try (Held held = ready.hold()) {
 *         ready.signalAll();
 *     }
 * }).start();
 * try (Held held = ready.hold()) {
 *     ready.await(Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class Condition implements java.util.concurrent.locks.Condition, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The lock it waits under. */
    private final RLock lock;
    /** The shared state. */
    private final SharedCondition condition;

    /** A condition with a new lock of its own. */
    public Condition() {
        this(new RLock());
    }

    /**
     * A condition over {@code lock}.
     *
     * @param lock the lock it waits under, which callers of {@link #await} must hold
     */
    public Condition(RLock lock) {
        this.lock = lock;
        SharedHeap.Chunk chunk = SharedHeap.allocate(SharedLayout.Header.KIND_CONDITION, SharedLayout.Condition.SIZE);
        this.condition = new SharedCondition(chunk.segment(), chunk.offset());
        chunk.freeWhenUnreachable(this);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private Condition(DataInputStream in) throws IOException {
        this.lock = RLock.readFrom(in);
        this.condition = SharedCondition.readFrom(in);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        lock.writeTo(out);
        condition.writeTo(out);
        return true;
    }

    /**
     * The lock this condition uses.
     *
     * @return the lock
     */
    public RLock lock() {
        return lock;
    }

    /**
     * Acquires the lock, as {@link RLock#acquire()}.
     *
     * @throws InterruptedException if interrupted while waiting; the lock is then not held
     */
    public void acquire() throws InterruptedException {
        lock.acquire();
    }

    /**
     * Releases the lock once, as {@link RLock#release()}.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    public void release() {
        lock.release();
    }

    /**
     * Acquires the lock and returns the {@link Held} that releases it.
     *
     * @return what releases the lock once, when closed
     * @throws InterruptedException if interrupted while waiting; the lock is then not held
     */
    public Held hold() throws InterruptedException {
        return lock.hold();
    }

    /**
     * Releases the lock (however many times this thread holds it), waits for a signal, and takes
     * the lock back as many times.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws InterruptedException if interrupted; the lock is held again when it is thrown
     */
    @Override
    public void await() throws InterruptedException {
        await(Deadline.never());
    }

    /**
     * As {@link #await()}, for at most {@code timeout}.
     *
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return false if the timeout passed without a signal
     * @throws InterruptedException if interrupted; the lock is held again when it is thrown
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return await(Deadline.after(timeout));
    }

    /**
     * Waits until {@code predicate} is true, evaluating it with the lock held, for at most
     * {@code timeout} ({@code null}: no limit); Python's {@code wait_for}.
     *
     * @param predicate what is waited for, evaluated with the lock held
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return the predicate's last value
     * @throws InterruptedException if interrupted; the lock is held again when it is thrown
     */
    public boolean awaitUntil(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.after(timeout);
        boolean result = predicate.getAsBoolean();
        while (!result && !deadline.passed()) {
            await(deadline);
            result = predicate.getAsBoolean();
        }
        return result;
    }

    @Override
    public void awaitUninterruptibly() {
        Uninterruptibly.run(this::await);
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        Deadline deadline = Deadline.after(nanosTimeout, TimeUnit.NANOSECONDS);
        await(deadline);
        return deadline.remainingNanos();
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return await(Deadline.after(time, unit));
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return await(Duration.between(Instant.now(), deadline.toInstant()));
    }

    /** Wakes one waiter, if there is one. The calling thread must hold the lock. */
    @Override
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiters (Python's {@code notify(n)}). The calling thread must hold the lock.
     *
     * @param n how many waiters to let through at most
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void signal(int n) {
        checkOwner("lock is not owned");
        condition.signal(n);
    }

    /** Wakes every waiter. The calling thread must hold the lock. */
    @Override
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    private boolean await(Deadline deadline) throws InterruptedException {
        checkOwner("must acquire() condition before using wait()");
        return condition.await(lock.mutex(), deadline);
    }

    private void checkOwner(String message) {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException(message);
        }
    }

    @Override
    public String toString() {
        return "<Condition(" + lock + ")>";
    }

    /** Handles are equal when they refer to the same shared condition, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Condition other && condition.equals(other.condition);
    }

    @Override
    public int hashCode() {
        return condition.hashCode();
    }

}
