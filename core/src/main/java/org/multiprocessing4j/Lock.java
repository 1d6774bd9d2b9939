package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.RobustMutex;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.shm.Uninterruptibly;

/**
 * A lock shared by processes, Python's {@code multiprocessing.Lock}: not recursive, and any thread
 * of any process may release it. It is also a {@link java.util.concurrent.locks.Lock}.
 *
 * <p>The lock is a word in shared memory ({@code RobustMutex}); a handle is a {@link Serializable}
 * reference to it, so a Lock captured by a task, held in a field of a {@link Process} subclass or
 * sent through a queue is the same lock in every process. Uncontended, acquire and release are one
 * atomic instruction each, with no system call.
 *
 * <p>Beyond Python: if the process holding the lock dies, even by SIGKILL, a waiter takes the lock
 * over within 50 ms of noticing, and {@link #previousOwnerDied()} then tells the
 * new holder that what the lock protects may be half-updated.
 *
 * <pre>{@code
 * Lock lock = new Lock();
 * SharedLong counter = Value.ofLong(0);
 * new Process(() -> {
 *     try (Held held = lock.hold()) {         // Python's `with lock:`
 *         counter.set(counter.get() + 1);
 *     }
 * }).start();
 * }</pre>
 */
public final class Lock implements java.util.concurrent.locks.Lock, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The shared word. */
    private final RobustMutex mutex;

    /** A new, unlocked lock. */
    public Lock() {
        SharedHeap.Chunk chunk = SharedHeap.allocate(SharedLayout.Header.KIND_LOCK, SharedLayout.Mutex.SIZE);
        this.mutex = new RobustMutex(chunk.segment(), chunk.offset());
        chunk.freeWhenUnreachable(this);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private Lock(DataInputStream in) throws IOException {
        this.mutex = RobustMutex.readFrom(in);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        mutex.writeTo(out);
        return true;
    }

    /**
     * Blocks until the lock is acquired.
     *
     * @throws InterruptedException if interrupted while waiting; the lock is then not held
     */
    public void acquire() throws InterruptedException {
        mutex.acquire(Deadline.never());
    }

    /**
     * Python's {@code acquire(block)}: with {@code false}, one attempt that never blocks; with
     * {@code true}, blocks until acquired, not interruptibly (an interrupt is kept for later).
     *
     * @param block whether to wait
     * @return true if acquired
     */
    public boolean acquire(boolean block) {
        if (!block) {
            return mutex.tryAcquire();
        }
        lock();
        return true;
    }

    /**
     * Blocks at most {@code timeout}; a zero or negative timeout makes one attempt.
     *
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return true if acquired
     * @throws InterruptedException if interrupted while waiting; the lock is then not held
     */
    public boolean acquire(Duration timeout) throws InterruptedException {
        return mutex.tryAcquire() || mutex.acquire(Deadline.after(timeout));
    }

    /**
     * Releases the lock, whichever thread or process holds it.
     *
     * @throws IllegalStateException if it is not locked
     */
    public void release() {
        mutex.release();
    }

    /**
     * Acquires and returns the {@link Held} that releases: {@code try (var h = lock.hold()) {...}}.
     * Its first {@code close()} releases; later ones do nothing.
     *
     * @return what releases the lock, when closed
     * @throws InterruptedException if interrupted while waiting; the lock is then not held
     */
    public Held hold() throws InterruptedException {
        acquire();
        return new HeldOnce(this::release);
    }

    /**
     * True if some thread of some process holds the lock.
     *
     * @return whether it is held
     */
    public boolean isLocked() {
        return mutex.isLocked();
    }

    /**
     * True if the current holder took the lock over from a process that died holding it: what the
     * lock protects may be half-updated.
     *
     * @return whether the previous owner died holding the lock
     */
    public boolean previousOwnerDied() {
        return mutex.ownerDied();
    }

    @Override
    public void lock() {
        mutex.acquireUninterruptibly();
    }

    /**
     * Acquires, blocking until it can; as {@code java.util.concurrent.locks.Lock} requires, a thread
     * whose interrupt status is set on entry gets {@link InterruptedException} even if the lock is free.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is then not held
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        Deadline.checkInterrupt();
        acquire();
    }

    @Override
    public boolean tryLock() {
        return mutex.tryAcquire();
    }

    /**
     * Acquires within {@code time}, of any size; as {@code java.util.concurrent.locks.Lock}
     * requires, a thread whose interrupt status is set on entry gets {@link InterruptedException}
     * even if the lock is free.
     *
     * @return true if acquired, false if the time passed first
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is then not held
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        Deadline.checkInterrupt();
        return mutex.tryAcquire() || mutex.acquire(Deadline.after(time, unit));
    }

    @Override
    public void unlock() {
        release();
    }

    /**
     * Not supported: as in Python, a {@link Condition} works over an {@link RLock}.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public java.util.concurrent.locks.Condition newCondition() {
        throw new UnsupportedOperationException("a Condition works over an RLock: use new Condition(rlock)");
    }

    @Override
    public String toString() {
        int owner = mutex.ownerPid();
        return "<Lock(" + (owner == 0 ? "unlocked" : "owner pid=" + owner) + ")>";
    }

    /** Handles are equal when they refer to the same shared lock, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Lock other && mutex.equals(other.mutex);
    }

    @Override
    public int hashCode() {
        return mutex.hashCode();
    }

}
