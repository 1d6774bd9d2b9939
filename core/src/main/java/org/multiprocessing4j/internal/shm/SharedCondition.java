package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * A condition variable's state in shared memory ({@link SharedLayout.Condition}); the lock it waits
 * under is the caller's ({@link WaitLock}), and every change below is made while holding it.
 *
 * <p>Algorithm: a waiter counts itself in its process's waiter slot (pid, start time, count), reads
 * SEQUENCE, releases the lock fully and sleeps on SEQUENCE; {@code signal(n)} issues up to n TOKENS,
 * no more than there are waiters without one, advances SEQUENCE and wakes every sleeper; a woken
 * waiter re-takes the lock and leaves with a token if one is left, else waits again. So
 * {@code signal()} lets exactly one waiter through, as Python's {@code notify()}.
 *
 * <p>A waiter killed inside {@code await} cannot uncount itself, so waiters are counted per process:
 * before it issues tokens, {@code signal} drops the slots of processes that no longer run (a pid
 * with another start time is another process) and withdraws tokens beyond the live waiters. A dead
 * waiter counts for nothing, and one {@code signal()} never lets two waiters through. A process
 * that finds every slot taken is counted in OVERFLOW, which is never purged.
 *
 * <p>Memory ordering: all state is read and written under the lock, whose release and acquire
 * order it; SEQUENCE is read under the lock before the waiter releases it, so a signal between the
 * release and the sleep changes the word and the futex wait returns at once.
 */
public final class SharedCondition implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final long SELF = Liveness.selfPid();
    private static final long SELF_START = Liveness.selfStartTime();
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    /** What {@code await} needs of the lock it waits under. */
    public interface WaitLock {
        /** Releases every hold of the calling thread; returns how many it had. */
        int releaseFully();

        /** Takes back {@code holds} holds, not interruptibly. */
        void reacquire(int holds);
    }

    private final SharedSegment segment;
    private final long base;

    public SharedCondition(SharedSegment segment, long base) {
        this.segment = segment;
        this.base = base;
    }

    /** Writes where this condition is, for {@link #readFrom}. */
    public void writeTo(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(base);
    }

    /** The condition that {@link #writeTo} wrote, in this process. */
    public static SharedCondition readFrom(DataInputStream in) throws IOException {
        SharedSegment segment = SharedSegment.readFrom(in);
        return new SharedCondition(segment, segment.checkedOffset(in.readLong(), SharedLayout.Condition.SIZE));
    }

    /**
     * Waits for a signal until {@code deadline}; the calling thread holds {@code lock}, and holds it
     * again as many times when this returns or throws.
     *
     * @return true if signalled, false if the deadline passed first
     * @throws InterruptedException if interrupted before a signal came for it
     */
    public boolean await(WaitLock lock, Deadline deadline) throws InterruptedException {
        MemorySegment memory = segment.memory();
        MemorySegment sequenceWord = segment.word(base + SharedLayout.Condition.SEQUENCE);
        long slot = countIn(memory, 1);
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
                countOut(memory, slot);
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

    /** Lets up to {@code n} waiters through; the caller holds the lock. */
    public void signal(int n) {
        MemorySegment memory = segment.memory();
        int waiters = liveWaiters(memory);
        int tokens = Math.min(waiters, (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Condition.TOKENS));
        int wake = Math.min(n, waiters - tokens);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Condition.TOKENS, tokens + Math.max(0, wake));
        if (wake > 0) {
            Atomics.INT.getAndAdd(memory, base + SharedLayout.Condition.SEQUENCE, 1);
            Futex.wakeAll(segment.word(base + SharedLayout.Condition.SEQUENCE));
        }
    }

    /** Threads inside {@code await}, in processes that still run; the caller holds the lock. */
    public int waiters() {
        return liveWaiters(segment.memory());
    }

    /**
     * Counts one more waiter of this process: in its slot, claimed if it has none.
     *
     * @return the slot's offset, or -1 if every slot is taken and it was counted in OVERFLOW
     */
    private long countIn(MemorySegment memory, int delta) {
        long free = -1;
        for (int i = 0; i < SharedLayout.Condition.WAITER_SLOTS; i++) {
            long slot = slotOffset(i);
            long value = (long) Atomics.LONG.getVolatile(memory, slot);
            if (isOwn(memory, slot, value)) {
                Atomics.LONG.setVolatile(memory, slot, value + delta);
                return slot;
            }
            if (value == 0 && free < 0) {
                free = slot;
            }
        }
        if (free < 0) {
            Atomics.INT.getAndAdd(memory, base + SharedLayout.Condition.OVERFLOW, delta);
            return -1;
        }
        Atomics.LONG.setVolatile(memory, free + SharedLayout.Condition.WAITER_START, SELF_START);
        Atomics.LONG.setVolatile(memory, free, (SELF << Integer.SIZE) | delta);
        return free;
    }

    /** Uncounts one waiter of this process; its slot is freed when it counts none. */
    private void countOut(MemorySegment memory, long slot) {
        if (slot < 0) {
            Atomics.INT.getAndAdd(memory, base + SharedLayout.Condition.OVERFLOW, -1);
            return;
        }
        long value = (long) Atomics.LONG.getVolatile(memory, slot);
        Atomics.LONG.setVolatile(memory, slot, (value & COUNT_MASK) <= 1 ? 0 : value - 1);
    }

    /** Sums the waiters of processes that still run, freeing the slots of those that do not. */
    private int liveWaiters(MemorySegment memory) {
        int waiters = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Condition.OVERFLOW);
        for (int i = 0; i < SharedLayout.Condition.WAITER_SLOTS; i++) {
            long slot = slotOffset(i);
            long value = (long) Atomics.LONG.getVolatile(memory, slot);
            if (value == 0) {
                continue;
            }
            long pid = value >>> Integer.SIZE;
            long start = (long) Atomics.LONG.getVolatile(memory, slot + SharedLayout.Condition.WAITER_START);
            // A slot of this pid is this process's only with its start time; with another, an ended one's.
            if (pid == SELF ? start == SELF_START : Liveness.isAlive(pid, start)) {
                waiters += (int) (value & COUNT_MASK);
            } else {
                Atomics.LONG.setVolatile(memory, slot, 0L); // a dead waiter counts for nothing
            }
        }
        return waiters;
    }

    /**
     * Whether the slot holding {@code value} is this process's: its pid and its start time, the
     * latter read only for a slot of its pid. A slot of this pid with another start time is an ended
     * process's, whose pid this one was given.
     */
    private static boolean isOwn(MemorySegment memory, long slot, long value) {
        return (value >>> Integer.SIZE) == SELF
                && (long) Atomics.LONG.getVolatile(memory, slot + SharedLayout.Condition.WAITER_START) == SELF_START;
    }

    private long slotOffset(int i) {
        return base + SharedLayout.Condition.WAITER_SLOTS_OFFSET + (long) i * SharedLayout.Condition.WAITER_SLOT_SIZE;
    }

    /** The same condition in the same segment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SharedCondition other && base == other.base && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(base);
    }
}
