package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.multiprocessing4j.internal.shm.Atomics;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * A condition variable shared by processes, over an {@link RLock}: Python's
 * {@code multiprocessing.Condition} ({@code wait}, {@code notify}, {@code notify_all},
 * {@code wait_for} are {@link #await}, {@link #signal}, {@link #signalAll}, {@link #awaitUntil}).
 *
 * <p>State ({@link SharedLayout.Condition}), changed only while holding the lock: WAITERS counts the
 * threads inside {@code await}, TOKENS the signals not yet taken, and SEQUENCE is the futex word
 * that every signal advances. {@code signal(n)} issues up to n tokens, no more than there are
 * waiters without one, and wakes the waiters; each re-takes the lock and leaves with a token if
 * one is left, else waits again. So {@code signal()} lets exactly one waiter through, as Python's
 * {@code notify()}. It is also a {@link java.util.concurrent.locks.Condition}.
 */
public final class Condition implements java.util.concurrent.locks.Condition, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final RLock lock;
    private final SharedSegment segment;
    private final long base;

    /** A condition with a new lock of its own. */
    public Condition() {
        this(new RLock());
    }

    /** A condition over {@code lock}. */
    public Condition(RLock lock) {
        this.lock = lock;
        this.segment = SharedSegment.create(SharedLayout.Header.KIND_CONDITION, SharedLayout.Condition.SIZE);
        this.base = SharedLayout.Header.SIZE;
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private Condition(DataInputStream in) throws IOException {
        this.lock = RLock.readFrom(in);
        this.segment = SharedSegment.readFrom(in);
        this.base = in.readLong();
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        lock.writeTo(out);
        segment.writeTo(out);
        out.writeLong(base);
        return true;
    }

    /** The lock this condition uses. */
    public RLock lock() {
        return lock;
    }

    public void acquire() throws InterruptedException {
        lock.acquire();
    }

    public void release() {
        lock.release();
    }

    /** Acquires the lock and returns the {@link Held} that releases it. */
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
     * @return false if the timeout passed without a signal
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return await(Deadline.after(timeout));
    }

    /**
     * Waits until {@code predicate} is true, evaluating it with the lock held, for at most
     * {@code timeout} ({@code null}: no limit); Python's {@code wait_for}.
     *
     * @return the predicate's last value
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

    /** Wakes up to {@code n} waiters (Python's {@code notify(n)}). The calling thread must hold the lock. */
    public void signal(int n) {
        checkOwner("lock is not owned");
        MemorySegment memory = segment.memory();
        int waiters = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Condition.WAITERS);
        int tokens = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Condition.TOKENS);
        int wake = Math.min(n, waiters - tokens);
        if (wake > 0) {
            Atomics.INT.setVolatile(memory, base + SharedLayout.Condition.TOKENS, tokens + wake);
            Atomics.INT.getAndAdd(memory, base + SharedLayout.Condition.SEQUENCE, 1);
            Futex.wakeAll(segment.word(base + SharedLayout.Condition.SEQUENCE));
        }
    }

    /** Wakes every waiter. The calling thread must hold the lock. */
    @Override
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    private boolean await(Deadline deadline) throws InterruptedException {
        checkOwner("must acquire() condition before using wait()");
        MemorySegment memory = segment.memory();
        MemorySegment sequenceWord = segment.word(base + SharedLayout.Condition.SEQUENCE);
        Atomics.INT.getAndAdd(memory, base + SharedLayout.Condition.WAITERS, 1);
        // Read while holding the lock, under which signals advance it: read after releasing, a
        // signal in between would be taken as the starting point and its wake-up lost.
        int seen = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Condition.SEQUENCE);
        int holds = lock.releaseFully();
        boolean interrupted = false;
        while (true) {
            if (!deadline.passed() && !interrupted
                    && (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Condition.SEQUENCE) == seen) {
                Futex.await(sequenceWord, seen, deadline.slice());
                interrupted = Thread.interrupted();
                continue;
            }
            lock.reacquire(holds);
            int tokens = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Condition.TOKENS);
            if (tokens > 0 || deadline.passed() || interrupted) {
                if (tokens > 0) {
                    Atomics.INT.setVolatile(memory, base + SharedLayout.Condition.TOKENS, tokens - 1);
                }
                Atomics.INT.getAndAdd(memory, base + SharedLayout.Condition.WAITERS, -1);
                if (interrupted && tokens == 0) {
                    throw new InterruptedException();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return tokens > 0;
            }
            // Another waiter took the token: wait for the next signal.
            seen = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Condition.SEQUENCE);
            holds = lock.releaseFully();
        }
    }

    private void checkOwner(String message) {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException(message);
        }
    }

    @Override
    public String toString() {
        return "<Condition(" + lock + ", waiters="
                + (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Condition.WAITERS) + ")>";
    }

    /** Handles are equal when they refer to the same shared condition, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Condition other && base == other.base && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(base);
    }

}
