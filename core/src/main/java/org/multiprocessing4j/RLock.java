package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.internal.shm.Atomics;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.RobustMutex;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * A reentrant lock shared by processes, Python's {@code multiprocessing.RLock}: its owner is one
 * thread of one process, which may acquire it again and must release it as many times. It is also
 * a {@link java.util.concurrent.locks.Lock}, and the lock of a {@link Condition}.
 *
 * <p>Built on the same robust word as {@link Lock}, plus the owner thread's id and the hold count
 * ({@code SharedLayout.Mutex}), which only the owner writes, while it holds the word. If the owning
 * process dies, a waiter takes the lock over and {@link #previousOwnerDied()} says so.
 */
public final class RLock implements java.util.concurrent.locks.Lock, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final SharedSegment segment;
    private final long base;
    private final RobustMutex mutex;

    /** A new, unlocked reentrant lock. */
    public RLock() {
        this(SharedHeap.allocate(SharedLayout.Header.KIND_RLOCK, SharedLayout.Mutex.SIZE));
    }

    private RLock(SharedHeap.Chunk chunk) {
        this(chunk.segment(), chunk.offset());
        chunk.freeWhenUnreachable(this);
    }

    /** The reentrant lock whose words are at {@code base} in {@code segment}, e.g. a Value's. */
    RLock(SharedSegment segment, long base) {
        this.segment = segment;
        this.base = base;
        this.mutex = new RobustMutex(segment, base);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private RLock(DataInputStream in) throws IOException {
        this(SharedSegment.readFrom(in), in);
    }

    private RLock(SharedSegment segment, DataInputStream in) throws IOException {
        this(segment, segment.checkedOffset(in.readLong(), SharedLayout.Mutex.SIZE));
    }

    /** Writes where this lock is, for {@link #readFrom}; part of the compact form of what holds it. */
    void writeTo(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(base);
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
        acquire(Deadline.never());
    }

    /** As {@link Lock#acquire(boolean)}. */
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
     * @param timeout how long to wait at most; any size
     * @return true if acquired
     * @throws InterruptedException if interrupted while waiting; the lock is then not held (once more)
     */
    public boolean acquire(Duration timeout) throws InterruptedException {
        return acquire(Deadline.after(timeout));
    }

    /**
     * Releases once; the lock is free when every acquire of the owner has been released.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    public void release() {
        if (!isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("attempt to release recursive lock not owned by thread");
        }
        MemorySegment memory = segment.memory();
        int count = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Mutex.HOLD_COUNT) - 1;
        Atomics.INT.setVolatile(memory, base + SharedLayout.Mutex.HOLD_COUNT, count);
        if (count == 0) {
            Atomics.LONG.setVolatile(memory, base + SharedLayout.Mutex.OWNER_THREAD, 0L);
            mutex.release();
        }
    }

    /**
     * Acquires and returns the {@link Held} that releases once: its first {@code close()} releases
     * one hold, later ones do nothing.
     *
     * @throws InterruptedException if interrupted while waiting; the lock is then not held
     */
    public Held hold() throws InterruptedException {
        acquire();
        return new HeldOnce(this::release);
    }

    /** True if the calling thread owns the lock. */
    public boolean isHeldByCurrentThread() {
        return mutex.heldByThisProcess()
                && (long) Atomics.LONG.getVolatile(segment.memory(), base + SharedLayout.Mutex.OWNER_THREAD)
                        == Thread.currentThread().threadId();
    }

    /** How many times the calling thread holds the lock; 0 if it does not own it. */
    public int holdCount() {
        return isHeldByCurrentThread()
                ? (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Mutex.HOLD_COUNT)
                : 0;
    }

    /** True if some thread of some process holds the lock. */
    public boolean isLocked() {
        return mutex.isLocked();
    }

    /** True if the current owner took the lock over from a process that died holding it. */
    public boolean previousOwnerDied() {
        return mutex.ownerDied();
    }

    @Override
    public void lock() {
        if (!reenter()) {
            Uninterruptibly.acquire(mutex);
            own(1);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquire();
    }

    @Override
    public boolean tryLock() {
        if (reenter()) {
            return true;
        }
        if (!mutex.tryAcquire()) {
            return false;
        }
        own(1);
        return true;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return acquire(Deadline.after(time, unit));
    }

    @Override
    public void unlock() {
        release();
    }

    /** A condition over this lock. */
    @Override
    public Condition newCondition() {
        return new Condition(this);
    }

    /** Gives up every hold of the calling thread, for {@link Condition}; returns how many. */
    int releaseFully() {
        int count = holdCount();
        if (count == 0) {
            throw new IllegalMonitorStateException("must acquire() condition before using wait()");
        }
        Atomics.INT.setVolatile(segment.memory(), base + SharedLayout.Mutex.HOLD_COUNT, 1);
        release();
        return count;
    }

    /** Takes back {@code count} holds after {@link #releaseFully}, not interruptibly. */
    void reacquire(int count) {
        Uninterruptibly.acquire(mutex);
        own(count);
    }

    @Override
    public String toString() {
        int owner = mutex.ownerPid();
        return "<RLock(" + (owner == 0 ? "unlocked" : "owner pid=" + owner + ", count="
                + (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Mutex.HOLD_COUNT)) + ")>";
    }

    private boolean acquire(Deadline deadline) throws InterruptedException {
        if (reenter()) {
            return true;
        }
        if (!mutex.acquire(deadline)) {
            return false;
        }
        own(1);
        return true;
    }

    private boolean reenter() {
        if (!isHeldByCurrentThread()) {
            return false;
        }
        MemorySegment memory = segment.memory();
        Atomics.INT.setVolatile(memory, base + SharedLayout.Mutex.HOLD_COUNT,
                (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Mutex.HOLD_COUNT) + 1);
        return true;
    }

    private void own(int count) {
        MemorySegment memory = segment.memory();
        Atomics.LONG.setVolatile(memory, base + SharedLayout.Mutex.OWNER_THREAD, Thread.currentThread().threadId());
        Atomics.INT.setVolatile(memory, base + SharedLayout.Mutex.HOLD_COUNT, count);
    }

    /** Handles are equal when they refer to the same shared lock, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RLock other && base == other.base && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(base);
    }

}
