package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * A mutual exclusion word in shared memory that survives the death of its holder: the word holds
 * the owner's pid ({@link SharedLayout.Mutex}), so a waiter can see that the owner is gone and take
 * the mutex over, marking it {@code OWNER_DIED} for the new owner to see.
 *
 * <p>Acquire is one compare-and-set from FREE to the caller's pid; release is one atomic exchange
 * to FREE, plus a futex wake only if the WAITERS bit was set. A contended acquirer spins as every
 * waiter here does ({@link SpinThenSleep}), then sets WAITERS and sleeps on the word in slices (the
 * bit, not a sleeper count, tells the releaser to wake); after each it
 * checks for interruption and whether the owner's pid still runs. A waiter that wakes and acquires
 * sets WAITERS itself, since others may still sleep (Drepper's "mutex2").
 *
 * <p>Memory ordering: every access to the word is volatile or a CAS (sequentially consistent), and
 * what a holder wrote before release is visible to the next acquirer through the release and the
 * acquiring CAS of the same word, in this process or another.
 *
 * <p>An owner is its pid and its start time, so that a dead owner whose pid now belongs to another
 * process (pids wrap) is still seen dead: the owner's stamp, its pid and start time in one long,
 * is kept beside the word ({@link SharedLayout.Mutex#OWNER_STAMP}), written after the acquiring CAS
 * unless it is there already, so the uncontended path adds one read of the same cache line.
 *
 * <p>The owner is a process, not a thread: any thread of any process may release (as Python's
 * Lock), and a thread that acquires twice waits for itself. Recursion is {@code RLock}'s business.
 */
public final class RobustMutex implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int SELF = (int) Liveness.selfPid();
    private static final long SELF_START = Liveness.selfStartTime();
    /** This process as an owner stamp: its start time above its pid. */
    private static final long SELF_STAMP = stamp(SELF, SELF_START);

    private final SharedSegment segment;
    private final long state;
    private final long ownerStamp;

    /** The mutex whose word is at {@code base} in {@code segment}. */
    public RobustMutex(SharedSegment segment, long base) {
        if (Liveness.selfPid() > SharedLayout.Mutex.PID_MASK) {
            throw new IllegalStateException("pid " + Liveness.selfPid() + " does not fit a mutex word");
        }
        this.segment = segment;
        this.state = base + SharedLayout.Mutex.STATE;
        this.ownerStamp = base + SharedLayout.Mutex.OWNER_STAMP;
    }

    /** Writes where this mutex is, for {@link #readFrom}. */
    public void writeTo(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(state - SharedLayout.Mutex.STATE);
    }

    /** The mutex that {@link #writeTo} wrote, in this process. */
    public static RobustMutex readFrom(DataInputStream in) throws IOException {
        SharedSegment segment = SharedSegment.readFrom(in);
        return new RobustMutex(segment, segment.checkedOffset(in.readLong(), SharedLayout.Mutex.SIZE));
    }

    /**
     * One attempt, never blocks. A mutex whose owner died is taken over; whether the owner lives is
     * looked up at most every {@link #LIVENESS_CHECK_INTERVAL_NANOS} per handle, since it reads
     * {@code /proc} and a failed attempt on a live mutex must stay cheap.
     */
    public boolean tryAcquire() {
        MemorySegment memory = segment.memory();
        if (Atomics.INT.compareAndSet(memory, state, SharedLayout.Mutex.FREE, SELF)) {
            return owned(memory);
        }
        long now = System.nanoTime();
        if (now - lastLivenessCheck < LIVENESS_CHECK_INTERVAL_NANOS) {
            return false;
        }
        lastLivenessCheck = now;
        return takeOverFromDeadOwner(memory);
    }

    private static final long LIVENESS_CHECK_INTERVAL_NANOS = 10_000_000;
    private transient long lastLivenessCheck = System.nanoTime() - LIVENESS_CHECK_INTERVAL_NANOS;

    /**
     * Acquires before {@code deadline}.
     *
     * @return false if the deadline passed first
     * @throws InterruptedException if interrupted while waiting; the mutex is then not held
     */
    public boolean acquire(Deadline deadline) throws InterruptedException {
        MemorySegment memory = segment.memory();
        return Atomics.INT.compareAndSet(memory, state, SharedLayout.Mutex.FREE, SELF) ? owned(memory)
                : acquireContended(deadline);
    }

    /**
     * Records the new owner's stamp after an acquiring CAS, unless it is there already (a process
     * that takes the mutex again and again writes it once); true, for the caller to return.
     */
    private boolean owned(MemorySegment memory) {
        if ((long) Atomics.LONG.getOpaque(memory, ownerStamp) != SELF_STAMP) {
            Atomics.LONG.setRelease(memory, ownerStamp, SELF_STAMP);
        }
        return true;
    }

    /** A pid and a start time in one long: Linux pids are below 2^22, start times in ticks fit the rest. */
    static long stamp(long pid, long startTime) {
        return startTime << SharedLayout.Mutex.STAMP_PID_BITS | pid;
    }

    /** The rest of {@link #acquire}, apart so that the uncontended path compiles small and first. */
    private boolean acquireContended(Deadline deadline) throws InterruptedException {
        MemorySegment memory = segment.memory();
        if (SpinThenSleep.spinUntil(() -> (int) Atomics.INT.getVolatile(memory, state) == SharedLayout.Mutex.FREE
                && Atomics.INT.compareAndSet(memory, state, SharedLayout.Mutex.FREE, SELF))) {
            return owned(memory);
        }
        MemorySegment word = segment.word(state);
        while (true) {
            int current = (int) Atomics.INT.getVolatile(memory, state);
            if (current == SharedLayout.Mutex.FREE) {
                if (Atomics.INT.compareAndSet(memory, state, SharedLayout.Mutex.FREE, SELF | SharedLayout.Mutex.WAITERS)) {
                    return owned(memory);
                }
                continue;
            }
            if ((current & SharedLayout.Mutex.WAITERS) == 0
                    && !Atomics.INT.compareAndSet(memory, state, current, current | SharedLayout.Mutex.WAITERS)) {
                continue;
            }
            current |= SharedLayout.Mutex.WAITERS;
            if (deadline.passed()) {
                // A dead owner's mutex is free: even a caller that cannot wait takes it over.
                return takeOverFromDeadOwner(memory);
            }
            Deadline.checkInterrupt();
            Futex.await(word, current, deadline.slice());
            Deadline.checkInterrupt();
            if (takeOverFromDeadOwner(memory)) {
                return true;
            }
        }
    }

    /** Acquires without a deadline, not interruptibly: an interrupt is kept for later. One CAS if free. */
    public void acquireUninterruptibly() {
        if (!tryAcquire()) {
            Uninterruptibly.run(() -> acquire(Deadline.never()));
        }
    }

    /**
     * Releases, whoever holds it.
     *
     * @throws IllegalStateException if it is not held
     */
    public void release() {
        MemorySegment memory = segment.memory();
        int previous = (int) Atomics.INT.getAndSet(memory, state, SharedLayout.Mutex.FREE);
        if (previous != SELF) {
            releasedWith(previous);
        }
    }

    /** The rest of {@link #release}, when the word held more than this process's pid. */
    private void releasedWith(int previous) {
        if (previous == SharedLayout.Mutex.FREE) {
            throw new IllegalStateException("semaphore or lock released too many times");
        }
        if ((previous & SharedLayout.Mutex.WAITERS) != 0) {
            Futex.wake(segment.word(state), 1);
        }
    }

    /** The pid of the holding process, or 0 if free. */
    public int ownerPid() {
        return (int) Atomics.INT.getVolatile(segment.memory(), state) & SharedLayout.Mutex.PID_MASK;
    }

    /**
     * True if held by a thread of this process: the word has this pid, and the stamp beside it is not
     * that of an ended process this pid belonged to before (see {@link #takeOverFromDeadOwner}).
     */
    public boolean heldByThisProcess() {
        if (ownerPid() != SELF) {
            return false;
        }
        long stamp = (long) Atomics.LONG.getVolatile(segment.memory(), ownerStamp);
        return stamp == SELF_STAMP || (stamp & SharedLayout.Mutex.STAMP_PID_MASK) != SELF;
    }

    /** True if the current holder took it over from a process that died holding it. */
    public boolean ownerDied() {
        return ((int) Atomics.INT.getVolatile(segment.memory(), state) & SharedLayout.Mutex.OWNER_DIED) != 0;
    }

    public boolean isLocked() {
        return (int) Atomics.INT.getVolatile(segment.memory(), state) != SharedLayout.Mutex.FREE;
    }

    /**
     * Takes the mutex over if its owner is dead: not running, or a later process that has its pid.
     * The stamp beside the word names the owner when its pid matches the word's; a stamp of another
     * pid is an earlier owner's, and the owner is judged by its pid alone. A stamp with the owner's
     * pid but another start time is either a dead owner's whose pid was reused, or, for the few
     * instructions between a new owner's CAS and its stamp, the stamp of an earlier process with the
     * same pid: so that mismatch must be seen twice, a slice apart, before the mutex is taken over.
     * The owner's pid may be this process's: then the owner is this process if the stamp is this
     * process's or another pid's (this process's own CAS, not yet stamped), and an ended process
     * whose pid this one was given if the stamp has this pid and another start time, twice.
     */
    private boolean takeOverFromDeadOwner(MemorySegment memory) {
        int current = (int) Atomics.INT.getVolatile(memory, state);
        int owner = current & SharedLayout.Mutex.PID_MASK;
        if (current == SharedLayout.Mutex.FREE) {
            return false;
        }
        long stamp = (long) Atomics.LONG.getVolatile(memory, ownerStamp);
        long running = owner == SELF ? SELF_START : Liveness.startTime(owner);
        if (running != Liveness.NOT_RUNNING) {
            boolean stampIsTheOwners = (stamp & SharedLayout.Mutex.STAMP_PID_MASK) == owner;
            if (!stampIsTheOwners || stamp == stamp(owner, running)) {
                return false; // the owner runs, as far as can be told
            }
            boolean seenBefore = suspectedWord == current && suspectedStamp == stamp;
            suspectedWord = current;
            suspectedStamp = stamp;
            if (!seenBefore) {
                return false;
            }
        }
        return Atomics.INT.compareAndSet(memory, state, current,
                SELF | SharedLayout.Mutex.WAITERS | SharedLayout.Mutex.OWNER_DIED) && owned(memory);
    }

    /** The word and stamp of an owner last suspected dead by this handle; see takeOverFromDeadOwner. */
    private transient int suspectedWord;
    private transient long suspectedStamp;

    /** The same word in the same segment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RobustMutex other && state == other.state && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(state);
    }

}
