package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.BrokenBarrierException;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * A barrier's state in shared memory ({@link SharedLayout.Barrier}), changed only under its own
 * robust mutex, which follows it.
 *
 * <p>Algorithm: an arriver takes the mutex, reads the generation and the count, and counts itself;
 * the last to arrive runs the action, resets the count and advances GENERATION, the futex word the
 * others sleep on. Breaking (abort, a timeout, an interrupt, a failed action) records the broken
 * generation and advances it too; a woken waiter passed unless BROKEN_GENERATION names its own.
 * Since the last arriver runs the action holding the mutex, a sleeper looks between its slices
 * whether the mutex's holder died, and then takes the mutex over and breaks the generation: the
 * other parties get {@link BrokenBarrierException} instead of waiting for ever. Memory ordering:
 * every field is read and written under the mutex, except GENERATION and BROKEN_GENERATION, which
 * a waiter reads with volatile loads after the futex wait, once the holder's volatile stores are
 * done.
 */
public final class SharedBarrier implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int NONE = -1;

    /** What the last arriver runs before anyone is released. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private final SharedSegment segment;
    private final long base;
    private final RobustMutex mutex;

    /** The barrier at {@code base} in {@code segment}. */
    public SharedBarrier(SharedSegment segment, long base) {
        this.segment = segment;
        this.base = base;
        this.mutex = new RobustMutex(segment, base + SharedLayout.Barrier.MUTEX);
    }

    /** Writes the initial state of a new barrier of {@code parties}. */
    public void initialize(int parties) {
        MemorySegment memory = segment.memory();
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.PARTIES, parties);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.BROKEN_GENERATION, NONE);
    }

    /** Writes where this barrier is, for {@link #readFrom}. */
    public void writeTo(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(base);
    }

    /** The barrier that {@link #writeTo} wrote, in this process. */
    public static SharedBarrier readFrom(DataInputStream in) throws IOException {
        SharedSegment segment = SharedSegment.readFrom(in);
        return new SharedBarrier(segment, segment.checkedOffset(in.readLong(), SharedLayout.Barrier.SIZE));
    }

    /** Breaks the barrier: current and later waiters get BrokenBarrierException until {@link #reset()}. */
    public void abort() {
        locked(() -> breakGeneration(segment.memory()));
    }

    /** Breaks the current generation for those waiting in it, then makes the barrier usable again. */
    public void reset() {
        locked(() -> {
            MemorySegment memory = segment.memory();
            if ((int) Atomics.INT.getVolatile(memory, base + SharedLayout.Barrier.COUNT) > 0) {
                breakGeneration(memory);
            }
            Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.BROKEN, 0);
        });
    }

    public boolean isBroken() {
        return (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Barrier.BROKEN) != 0;
    }

    public int parties() {
        return (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Barrier.PARTIES);
    }

    /** How many parties wait in the current generation. */
    public int waiting() {
        return (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Barrier.COUNT);
    }

    /**
     * Waits until all parties have arrived or {@code deadline} passes; the last to arrive runs
     * {@code action} (if not null) holding the barrier's mutex, before anyone is released.
     *
     * @return the arrival index, 0 for the first
     * @throws BrokenBarrierException if the barrier is or becomes broken: aborted, timed out,
     *     interrupted, its action failed, or its mutex's holder died
     * @throws InterruptedException if interrupted while waiting; the barrier is then broken
     */
    public int await(Deadline deadline, Action action) throws InterruptedException, BrokenBarrierException {
        MemorySegment memory = segment.memory();
        mutex.acquireUninterruptibly();
        int generation;
        int index;
        try {
            if (mutex.ownerDied()) {
                breakGeneration(memory); // its holder died mid-change, or in the action
            }
            if (isBroken()) {
                throw new BrokenBarrierException();
            }
            generation = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Barrier.GENERATION);
            index = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Barrier.COUNT);
            int parties = parties();
            if (parties < 1 || index < 0 || index >= parties) {
                // A count no arrival could make: waiting would wait for ever.
                throw new IllegalStateException("the shared memory of a barrier is damaged: " + index
                        + " of " + parties + " parties waiting");
            }
            if (index + 1 == parties) {
                runActionAndRelease(memory, generation, action);
                return index;
            }
            Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.COUNT, index + 1);
        } finally {
            mutex.release();
        }
        MemorySegment word = segment.word(base + SharedLayout.Barrier.GENERATION);
        while ((int) Atomics.INT.getVolatile(memory, base + SharedLayout.Barrier.GENERATION) == generation) {
            boolean interrupted = Thread.interrupted();
            if (deadline.passed() || interrupted) {
                locked(() -> {
                    if ((int) Atomics.INT.getVolatile(memory, base + SharedLayout.Barrier.GENERATION) == generation) {
                        breakGeneration(memory);
                    }
                });
                if (interrupted) {
                    throw new InterruptedException();
                }
                break;
            }
            Futex.await(word, generation, deadline.slice());
            breakIfTheMutexHolderDied(memory, generation);
        }
        if ((int) Atomics.INT.getVolatile(memory, base + SharedLayout.Barrier.BROKEN_GENERATION) == generation) {
            throw new BrokenBarrierException();
        }
        return index;
    }

    /**
     * For a waiter between slices: the last arriver runs the action holding the mutex, so a holder
     * that died (killed in the action, say) leaves the generation never to pass. Take its mutex over
     * and break the generation, as an action that threw does. A live holder's mutex is not taken:
     * on a locked mutex, {@code tryAcquire} succeeds only over a dead owner.
     */
    private void breakIfTheMutexHolderDied(MemorySegment memory, int generation) {
        if (!mutex.isLocked() || !mutex.tryAcquire()) {
            return;
        }
        try {
            if (mutex.ownerDied()
                    && (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Barrier.GENERATION) == generation) {
                breakGeneration(memory);
            }
        } finally {
            mutex.release();
        }
    }

    /** The last arriver, holding the mutex: runs the action, then lets the generation go. */
    private void runActionAndRelease(MemorySegment memory, int generation, Action action) throws BrokenBarrierException {
        if (action != null) {
            try {
                action.run();
            } catch (Exception | Error e) {
                breakGeneration(memory);
                BrokenBarrierException broken = new BrokenBarrierException("the barrier action failed: " + e);
                broken.initCause(e);
                throw broken;
            }
        }
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.COUNT, 0);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.GENERATION, generation + 1);
        Futex.wakeAll(segment.word(base + SharedLayout.Barrier.GENERATION));
    }

    /** Holding the mutex: marks the barrier broken and releases this generation's waiters. */
    private void breakGeneration(MemorySegment memory) {
        int generation = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Barrier.GENERATION);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.BROKEN, 1);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.BROKEN_GENERATION, generation);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.COUNT, 0);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.GENERATION, generation + 1);
        Futex.wakeAll(segment.word(base + SharedLayout.Barrier.GENERATION));
    }

    private void locked(Runnable change) {
        mutex.acquireUninterruptibly();
        try {
            change.run();
        } finally {
            mutex.release();
        }
    }

    /** The same barrier in the same segment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SharedBarrier other && base == other.base && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(base);
    }
}
