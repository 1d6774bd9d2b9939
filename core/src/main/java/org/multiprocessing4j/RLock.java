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
import org.multiprocessing4j.internal.shm.RecursiveMutex;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.shm.Uninterruptibly;

/**
 * A reentrant lock shared by processes, Python's {@code multiprocessing.RLock}: its owner is one
 * thread of one process, which may acquire it again and must release it as many times. It is also
 * a {@link java.util.concurrent.locks.Lock}, and the lock of a {@link Condition}.
 *
 * <p>Built on the same robust word as {@link Lock}, plus the owner thread's id and the hold count
 * ({@code RecursiveMutex}). If the owning process dies, a waiter takes the lock over and
 * {@link #previousOwnerDied()} says so.
 */
public final class RLock implements java.util.concurrent.locks.Lock, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The shared words. */
    private final RecursiveMutex mutex;

    /** A new, unlocked reentrant lock. */
    public RLock() {
        SharedHeap.Chunk chunk = SharedHeap.allocate(SharedLayout.Header.KIND_RLOCK, SharedLayout.Mutex.SIZE);
        this.mutex = new RecursiveMutex(chunk.segment(), chunk.offset());
        chunk.freeWhenUnreachable(this);
    }

    /** The reentrant lock whose words are at {@code base} in {@code segment}, e.g. a Value's. */
    RLock(SharedSegment segment, long base) {
        this.mutex = new RecursiveMutex(segment, base);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private RLock(DataInputStream in) throws IOException {
        this.mutex = RecursiveMutex.readFrom(in);
    }

    /** Writes where this lock is, for {@link #readFrom}; part of the compact form of what holds it. */
    void writeTo(DataOutputStream out) throws IOException {
        mutex.writeTo(out);
    }

    /** The lock that {@link #writeTo} wrote, in this process. */
    static RLock readFrom(DataInputStream in) throws IOException {
        return new RLock(in);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        writeTo(out);
        return true;
    }

    /**
     * Blocks until acquired, or until this thread holds it once more.
     *
     * @throws InterruptedException if interrupted while waiting; the lock is then not held (once more)
     */
    public void acquire() throws InterruptedException {
        mutex.acquire(Deadline.never());
    }

    /**
     * Python's {@code acquire(block)}, as {@link Lock#acquire(boolean)}.
     *
     * @param block whether to wait
     * @return true if acquired (or held once more)
     */
    public boolean acquire(boolean block) {
        if (!block) {
            return tryLock();
        }
        lock();
        return true;
    }

    /**
     * Blocks at most {@code timeout}; zero or negative makes one attempt.
     *
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return true if acquired
     * @throws InterruptedException if interrupted while waiting; the lock is then not held (once more)
     */
    public boolean acquire(Duration timeout) throws InterruptedException {
        return mutex.acquire(Deadline.after(timeout));
    }

    /**
     * Releases once; the lock is free when every acquire of the owner has been released.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    public void release() {
        mutex.release();
    }

    /**
     * Acquires and returns the {@link Held} that releases once: its first {@code close()} releases
     * one hold, later ones do nothing.
     *
     * @return what releases one hold, when closed
     * @throws InterruptedException if interrupted while waiting; the lock is then not held (once more)
     */
    public Held hold() throws InterruptedException {
        acquire();
        return new HeldOnce(this::release);
    }

    /**
     * True if the calling thread owns the lock.
     *
     * @return whether this thread holds it
     */
    public boolean isHeldByCurrentThread() {
        return mutex.heldByCurrentThread();
    }

    /**
     * How many times the calling thread holds the lock.
     *
     * @return the holds; 0 if it does not hold it
     */
    public int holdCount() {
        return mutex.holdCount();
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
     * True if the current holder took the lock over from a process that died holding it.
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
        return mutex.acquire(Deadline.after(time, unit));
    }

    @Override
    public void unlock() {
        release();
    }

    /** A {@link Condition} over this lock. */
    @Override
    public Condition newCondition() {
        return new Condition(this);
    }

    /** The mutex, for a {@link Condition} to wait under. */
    RecursiveMutex mutex() {
        return mutex;
    }

    @Override
    public String toString() {
        int owner = mutex.ownerPid();
        return "<RLock(" + (owner == 0 ? "unlocked" : "owner pid=" + owner + ", count=" + mutex.recordedHoldCount()) + ")>";
    }

    /** Handles are equal when they refer to the same shared lock, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RLock other && mutex.equals(other.mutex);
    }

    @Override
    public int hashCode() {
        return mutex.hashCode();
    }

}
