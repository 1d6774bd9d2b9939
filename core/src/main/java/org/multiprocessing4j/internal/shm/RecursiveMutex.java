package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;

/**
 * A reentrant mutex in shared memory: a {@link RobustMutex} word owned by a process, plus the owner
 * thread's id and a hold count beside it ({@link SharedLayout.Mutex}).
 *
 * <p>Only the owner writes the thread id and the count, and only while it holds the word; so a
 * thread that reads its own id there while its process holds the word owns the mutex, and another
 * thread of the same process reads another id (or 0, written before release). Memory ordering: the
 * owner's writes happen before its release of the word, and the next owner's reads after its
 * acquiring CAS, as for any data the mutex guards. A process that dies holding it leaves the word
 * to be taken over ({@link RobustMutex}); the new owner writes its own id and count.
 */
public final class RecursiveMutex implements Serializable, SharedCondition.WaitLock {
    @Serial
    private static final long serialVersionUID = 1L;

    private final SharedSegment segment;
    private final long base;
    private final RobustMutex mutex;

    /** The mutex whose words are at {@code base} in {@code segment}. */
    public RecursiveMutex(SharedSegment segment, long base) {
        this.segment = segment;
        this.base = base;
        this.mutex = new RobustMutex(segment, base);
    }

    /** Writes where this mutex is, for {@link #readFrom}. */
    public void writeTo(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(base);
    }

    /** The mutex that {@link #writeTo} wrote, in this process. */
    public static RecursiveMutex readFrom(DataInputStream in) throws IOException {
        SharedSegment segment = SharedSegment.readFrom(in);
        return new RecursiveMutex(segment, segment.checkedOffset(in.readLong(), SharedLayout.Mutex.SIZE));
    }

    /**
     * Acquires before {@code deadline}, or holds once more if the calling thread holds it.
     *
     * @return false if the deadline passed first
     * @throws InterruptedException if interrupted while waiting; nothing is then held
     */
    public boolean acquire(Deadline deadline) throws InterruptedException {
        if (reenter()) {
            return true;
        }
        if (!mutex.acquire(deadline)) {
            return false;
        }
        own(1);
        return true;
    }

    /** As {@link #acquire}, without a deadline and not interruptibly (an interrupt is kept for later). */
    public void acquireUninterruptibly() {
        if (!reenter()) {
            mutex.acquireUninterruptibly();
            own(1);
        }
    }

    /** One attempt, never blocks. */
    public boolean tryAcquire() {
        if (reenter()) {
            return true;
        }
        if (!mutex.tryAcquire()) {
            return false;
        }
        own(1);
        return true;
    }

    /**
     * Releases once; the mutex is free when every hold of the owner has been released.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    public void release() {
        if (!heldByCurrentThread()) {
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
     * Releases every hold of the calling thread, for a condition's wait.
     *
     * @return how many holds it had
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    @Override
    public int releaseFully() {
        int count = holdCount();
        if (count == 0) {
            throw new IllegalMonitorStateException("must acquire() condition before using wait()");
        }
        Atomics.INT.setVolatile(segment.memory(), base + SharedLayout.Mutex.HOLD_COUNT, 1);
        release();
        return count;
    }

    /** Takes back {@code count} holds after {@link #releaseFully}, not interruptibly. */
    @Override
    public void reacquire(int count) {
        mutex.acquireUninterruptibly();
        own(count);
    }

    public boolean heldByCurrentThread() {
        return mutex.heldByThisProcess()
                && (long) Atomics.LONG.getVolatile(segment.memory(), base + SharedLayout.Mutex.OWNER_THREAD)
                        == Thread.currentThread().threadId();
    }

    /** The calling thread's holds; 0 if it does not hold the mutex. */
    public int holdCount() {
        return heldByCurrentThread() ? recordedHoldCount() : 0;
    }

    /** The holds recorded for whoever owns the mutex now, for display. */
    public int recordedHoldCount() {
        return (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Mutex.HOLD_COUNT);
    }

    public boolean isLocked() {
        return mutex.isLocked();
    }

    /** True if the current owner took the mutex over from a process that died holding it. */
    public boolean ownerDied() {
        return mutex.ownerDied();
    }

    /** The pid of the owning process, or 0 if free. */
    public int ownerPid() {
        return mutex.ownerPid();
    }

    private boolean reenter() {
        if (!heldByCurrentThread()) {
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

    /** The same mutex in the same segment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RecursiveMutex other && base == other.base && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(base);
    }
}
