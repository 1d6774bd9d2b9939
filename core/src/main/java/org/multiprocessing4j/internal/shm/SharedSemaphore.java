package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * A counting semaphore in shared memory ({@link SharedLayout.Semaphore}) that gives back the
 * permits of a process that dies holding them.
 *
 * <p>Acquire is a CAS that decrements a positive count; release is an atomic increment, plus a
 * futex wake only if someone may sleep. A waiter spins, then sleeps on the count with a sleeper
 * count ({@link SpinThenSleep}): it counts itself before its last look at the count, and the
 * releaser increments the count before it reads SLEEPERS, so no wake-up is lost.
 *
 * <p>Permits are counts, as in Python, not owned: a permit released by one process and acquired by
 * another is that other's to keep. Beyond Python, the permits of a process that crashes holding
 * them are given back: each process records in a holder slot (its pid and start time) how many
 * permits it acquired and has not released itself; a release by a process that holds nothing
 * counts down another holder's slot, since it gave back a permit that holder took; a process that
 * exits in order clears its slot, so what it took stays taken; a waiter that wakes from a slice looks for
 * slots of dead processes and returns their permits, never above a bounded semaphore's bound.
 */
public final class SharedSemaphore implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final long SELF = Liveness.selfPid();
    private static final long SELF_START = Liveness.selfStartTime();
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    private final SharedSegment segment;
    private final long base;
    /** The holder slot this handle used last, where this process's slot usually is: a hint, not a claim. */
    private transient int lastSlot;
    /** True once this very handle is the one {@link OrderlyExit} keeps for its semaphore, which it then keeps while the handle lives. */
    private transient boolean remembered;

    public SharedSemaphore(SharedSegment segment, long base) {
        this.segment = segment;
        this.base = base;
    }

    /** Writes where this semaphore is, for {@link #readFrom}. */
    public void writeTo(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(base);
    }

    /** The semaphore that {@link #writeTo} wrote, in this process. */
    public static SharedSemaphore readFrom(DataInputStream in) throws IOException {
        SharedSegment segment = SharedSegment.readFrom(in);
        return new SharedSemaphore(segment, segment.checkedOffset(in.readLong(), SharedLayout.Semaphore.SIZE));
    }

    /** Writes the initial state of a new semaphore. */
    public void initialize(int permits, int bound) {
        MemorySegment memory = segment.memory();
        Atomics.INT.setVolatile(memory, base + SharedLayout.Semaphore.BOUND, bound);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Semaphore.PERMITS, permits);
    }

    /**
     * One attempt, never blocks.
     *
     * @throws IllegalStateException if the count reads negative: no release could make it so, and a
     *     waiter would wait for ever
     */
    public boolean tryAcquire() {
        MemorySegment memory = segment.memory();
        int permits = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Semaphore.PERMITS);
        while (permits > 0) {
            if (Atomics.INT.compareAndSet(memory, base + SharedLayout.Semaphore.PERMITS, permits, permits - 1)) {
                recordHeld(memory, 1);
                return true;
            }
            permits = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Semaphore.PERMITS);
        }
        if (permits < 0) {
            throw new IllegalStateException("the shared memory of a semaphore is damaged: its count reads " + permits);
        }
        return false;
    }

    /**
     * Acquires one permit before {@code deadline}.
     *
     * @return false if the deadline passed first
     * @throws InterruptedException if interrupted while waiting; no permit is then held
     */
    public boolean acquire(Deadline deadline) throws InterruptedException {
        return tryAcquire() || SpinThenSleep.spinUntil(this::tryAcquire)
                || SpinThenSleep.sleepUntil(segment, base + SharedLayout.Semaphore.PERMITS,
                        base + SharedLayout.Semaphore.SLEEPERS, deadline, this::tryAcquireOrRecover, () -> false);
    }

    /** For a sleeper: a permit, or else the permits of crashed holders given back, and then a permit. */
    private boolean tryAcquireOrRecover() {
        if (tryAcquire()) {
            return true;
        }
        returnPermitsOfTheDead();
        return tryAcquire();
    }

    /**
     * Adds a permit.
     *
     * @throws IllegalStateException if the semaphore is bounded and already at its bound
     */
    public void release() {
        MemorySegment memory = segment.memory();
        int bound = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Semaphore.BOUND);
        if (bound == SharedLayout.Semaphore.UNBOUNDED) {
            Atomics.INT.getAndAdd(memory, base + SharedLayout.Semaphore.PERMITS, 1);
        } else {
            int permits;
            do {
                permits = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Semaphore.PERMITS);
                if (permits >= bound) {
                    throw new IllegalStateException("semaphore or lock released too many times");
                }
            } while (!Atomics.INT.compareAndSet(memory, base + SharedLayout.Semaphore.PERMITS, permits, permits + 1));
        }
        recordHeld(memory, -1);
        if ((int) Atomics.INT.getVolatile(memory, base + SharedLayout.Semaphore.SLEEPERS) > 0) {
            Futex.wake(segment.word(base + SharedLayout.Semaphore.PERMITS), 1);
        }
    }

    /** The permits available now, after giving back those of dead processes. */
    public int value() {
        returnPermitsOfTheDead();
        return (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Semaphore.PERMITS);
    }

    /**
     * Adjusts this process's holder slot by {@code delta}; a slot that reaches zero is freed. The
     * slot this handle used last is looked at first, and taken again if it is free: a process that
     * acquires and releases in turn frees its slot at each release, and a scan of the 64 slots at
     * each acquire made a semaphore slower than CPython's.
     */
    private void recordHeld(MemorySegment memory, int delta) {
        if (adjustedAt(memory, lastSlot, delta)) {
            return;
        }
        for (int i = 0; i < SharedLayout.Semaphore.HOLDER_SLOTS; i++) {
            long slot = slotOffset(i);
            long value = (long) Atomics.LONG.getVolatile(memory, slot);
            if (isOwn(memory, slot, value)) {
                if (adjustedAt(memory, i, delta)) {
                    lastSlot = i;
                    return;
                }
                i = -1; // raced with ourselves from another thread, or with a recovery: look again
            }
        }
        if (delta <= 0) {
            releasedOnSomeonesBehalf(memory);
            return;
        }
        for (int i = 0; i < SharedLayout.Semaphore.HOLDER_SLOTS; i++) {
            if (claimed(memory, i, delta)) {
                lastSlot = i;
                return;
            }
        }
        // Every slot taken: this permit will not be given back if this process crashes holding it.
    }

    /**
     * Adjusts slot {@code i} by {@code delta} if it is this process's, or claims it for an acquire
     * if it is free; false if it is neither, or it changed meanwhile.
     */
    private boolean adjustedAt(MemorySegment memory, int i, int delta) {
        long slot = slotOffset(i);
        long value = (long) Atomics.LONG.getVolatile(memory, slot);
        if (isOwn(memory, slot, value)) {
            long held = (value & COUNT_MASK) + delta;
            return Atomics.LONG.compareAndSet(memory, slot, value, held <= 0 ? 0 : (SELF << Integer.SIZE) | held);
        }
        return value == 0 && delta > 0 && claimed(memory, i, delta);
    }

    /** Claims slot {@code i} if it is free and counts {@code delta} permits in it; false if it was not free. */
    private boolean claimed(MemorySegment memory, int i, int delta) {
        long slot = slotOffset(i);
        // Claimed with a count of 0, which no recovery looks at, until the start time is written.
        if (!Atomics.LONG.compareAndSet(memory, slot, 0L, SELF << Integer.SIZE)) {
            return false;
        }
        Atomics.LONG.setVolatile(memory, slot + SharedLayout.Semaphore.HOLDER_START, SELF_START);
        if (!remembered) {
            remembered = OrderlyExit.remember(this);
        }
        if (!Atomics.LONG.compareAndSet(memory, slot, SELF << Integer.SIZE, (SELF << Integer.SIZE) | delta)) {
            recordHeld(memory, delta); // another thread of ours freed the empty slot meanwhile
        }
        return true;
    }

    /**
     * A release by a process that holds nothing gives back a permit some other process took: one
     * holder's count goes down by one, so that its crash cannot give that permit back a second time.
     * Which holder's does not matter to the count.
     */
    private void releasedOnSomeonesBehalf(MemorySegment memory) {
        for (int i = 0; i < SharedLayout.Semaphore.HOLDER_SLOTS; i++) {
            long slot = slotOffset(i);
            long value = (long) Atomics.LONG.getVolatile(memory, slot);
            if ((value & COUNT_MASK) == 0) {
                continue;
            }
            long updated = (value & COUNT_MASK) == 1 ? 0 : value - 1;
            if (Atomics.LONG.compareAndSet(memory, slot, value, updated)) {
                return;
            }
            i--; // changed meanwhile: look at this slot again
        }
    }

    /**
     * Gives back the permits of processes that crashed holding them: their slots have a count, and
     * the process with that pid and start time no longer runs. A bounded semaphore is never raised
     * above its bound: permits that process had taken may have been released since on its behalf.
     */
    private void returnPermitsOfTheDead() {
        MemorySegment memory = segment.memory();
        for (int i = 0; i < SharedLayout.Semaphore.HOLDER_SLOTS; i++) {
            long slot = slotOffset(i);
            long value = (long) Atomics.LONG.getVolatile(memory, slot);
            long pid = value >>> Integer.SIZE;
            int held = (int) (value & COUNT_MASK);
            if (held == 0 || isOwn(memory, slot, value)) {
                continue;
            }
            long start = (long) Atomics.LONG.getVolatile(memory, slot + SharedLayout.Semaphore.HOLDER_START);
            if (Liveness.isAlive(pid, start) || !Atomics.LONG.compareAndSet(memory, slot, value, 0L)) {
                continue;
            }
            addUpToBound(memory, held);
            Futex.wake(segment.word(base + SharedLayout.Semaphore.PERMITS), held);
        }
    }

    /**
     * Whether the slot holding {@code value} is this process's: its pid and its start time. A slot
     * of this pid with another start time is an ended process's, whose pid this one was given.
     */
    private static boolean isOwn(MemorySegment memory, long slot, long value) {
        return (value >>> Integer.SIZE) == SELF
                && (long) Atomics.LONG.getVolatile(memory, slot + SharedLayout.Semaphore.HOLDER_START) == SELF_START;
    }

    private void addUpToBound(MemorySegment memory, int permits) {
        int bound = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Semaphore.BOUND);
        while (true) {
            int current = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Semaphore.PERMITS);
            int updated = bound == SharedLayout.Semaphore.UNBOUNDED ? current + permits
                    : Math.max(current, Math.min(bound, current + permits));
            if (Atomics.INT.compareAndSet(memory, base + SharedLayout.Semaphore.PERMITS, current, updated)) {
                return;
            }
        }
    }

    /**
     * Clears this process's holder slot: what it holds when it exits in order stays taken, as a
     * Python semaphore's count would. Only a crash gives permits back.
     */
    void forgetHeld() {
        MemorySegment memory = segment.memory();
        for (int i = 0; i < SharedLayout.Semaphore.HOLDER_SLOTS; i++) {
            long slot = slotOffset(i);
            long value = (long) Atomics.LONG.getVolatile(memory, slot);
            if (isOwn(memory, slot, value)) {
                Atomics.LONG.compareAndSet(memory, slot, value, 0L);
            }
        }
    }

    private long slotOffset(int i) {
        return base + SharedLayout.Semaphore.HOLDER_SLOTS_OFFSET + (long) i * SharedLayout.Semaphore.HOLDER_SLOT_SIZE;
    }

    /**
     * The semaphores in which this process has held permits; on an orderly exit (a shutdown hook:
     * {@code main} returning, {@code System.exit}) their slots are cleared. A JVM that is killed or
     * halted by a signal runs no hook, and its permits are given back.
     */
    private static final class OrderlyExit implements Runnable {
        /** Weakly: a semaphore this process no longer refers to must not keep its segment mapped. */
        private static final java.util.Set<SharedSemaphore> TOUCHED =
                java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));
        private static final java.util.concurrent.atomic.AtomicBoolean INSTALLED = new java.util.concurrent.atomic.AtomicBoolean();

        /**
         * Remembers {@code semaphore} for the exit.
         *
         * @return true if this very handle is now the one kept, false if an equal one was kept
         *     already, which may be collected before this one: the caller then remembers again
         */
        static boolean remember(SharedSemaphore semaphore) {
            boolean added = TOUCHED.add(semaphore);
            if (INSTALLED.compareAndSet(false, true)) {
                Runtime.getRuntime().addShutdownHook(new Thread(new OrderlyExit(), "mp4j-semaphore-exit"));
            }
            return added;
        }

        @Override
        public void run() {
            for (SharedSemaphore semaphore : TOUCHED.toArray(SharedSemaphore[]::new)) {
                try {
                    semaphore.forgetHeld();
                } catch (RuntimeException e) {
                    // its segment is gone: nothing left to give back
                }
            }
        }
    }

    /** The same semaphore in the same segment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SharedSemaphore other && base == other.base && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(base);
    }

}
