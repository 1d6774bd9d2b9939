package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.shm.Atomics;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.Uninterruptibly;
import org.multiprocessing4j.internal.shm.RobustMutex;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.sys.Futex;
import org.multiprocessing4j.internal.wire.LambdaCodec;

/**
 * A barrier for a fixed number of parties across processes, Python's
 * {@code multiprocessing.Barrier} ({@code threading.Barrier}'s rules over shared state).
 *
 * <p>{@link #await()} returns the arrival index, 0 to parties - 1, unique within a generation; the
 * last to arrive runs the action, if any, before anyone is released. A timeout, an interrupt,
 * {@link #abort()}, or an action that throws breaks the barrier: every waiter of that generation,
 * and every later caller until {@link #reset()}, gets {@link BrokenBarrierException}. Beyond Python,
 * so does a process that dies holding the barrier's state, in the action say: the waiters notice
 * within a slice ({@code Deadline.SLICE}) instead of waiting for ever.
 *
 * <p>State ({@code SharedLayout.Barrier}) changes only under the barrier's own robust mutex. A
 * waiter remembers its generation and sleeps on the GENERATION word; when it changes, the waiter
 * passed unless BROKEN_GENERATION names its generation.
 */
public final class Barrier implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int NONE = -1;

    private final SharedSegment segment;
    private final long base;
    private final RobustMutex mutex;
    private final SerializableRunnable action;
    private final Duration defaultTimeout;

    /** A barrier for {@code parties}, no action, no default timeout. */
    public Barrier(int parties) {
        this(parties, null, null);
    }

    /** A barrier whose last arriver of each generation runs {@code action} first. */
    public Barrier(int parties, SerializableRunnable action) {
        this(parties, action, null);
    }

    /**
     * @param action run by the last arriver of each generation, or null
     * @param timeout for {@link #await()} without one, or null for none
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties, SerializableRunnable action, Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be at least 1, not " + parties);
        }
        SharedHeap.Chunk chunk = SharedHeap.allocate(SharedLayout.Header.KIND_BARRIER, SharedLayout.Barrier.SIZE);
        this.segment = chunk.segment();
        this.base = chunk.offset();
        chunk.freeWhenUnreachable(this);
        this.mutex = new RobustMutex(segment, base + SharedLayout.Barrier.MUTEX);
        this.action = action;
        this.defaultTimeout = timeout;
        MemorySegment memory = segment.memory();
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.PARTIES, parties);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Barrier.BROKEN_GENERATION, NONE);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private Barrier(DataInputStream in) throws IOException {
        this.segment = SharedSegment.readFrom(in);
        this.base = segment.checkedOffset(in.readLong(), SharedLayout.Barrier.SIZE);
        this.mutex = new RobustMutex(segment, base + SharedLayout.Barrier.MUTEX);
        if (!in.readBoolean()) {
            this.action = null;
        } else if (LambdaCodec.decode(in) instanceof SerializableRunnable runnable) {
            this.action = runnable;
        } else {
            throw new InvalidObjectException("a barrier's action is not a SerializableRunnable");
        }
        this.defaultTimeout = in.readBoolean() ? Duration.ofSeconds(in.readLong(), in.readInt()) : null;
    }

    /** False when the action is a lambda without a compact form ({@code LambdaCodec}). */
    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        byte[] compactAction = action == null ? null : LambdaCodec.encode(action);
        if (action != null && compactAction == null) {
            return false;
        }
        segment.writeTo(out);
        out.writeLong(base);
        out.writeBoolean(compactAction != null);
        if (compactAction != null) {
            out.write(compactAction);
        }
        out.writeBoolean(defaultTimeout != null);
        if (defaultTimeout != null) {
            out.writeLong(defaultTimeout.getSeconds());
            out.writeInt(defaultTimeout.getNano());
        }
        return true;
    }

    /**
     * Waits until all parties have arrived (or the default timeout passes).
     *
     * @return the arrival index: 0 for the first to arrive, parties - 1 for the last, which ran the
     *     action (Python's order, the reverse of CyclicBarrier's)
     * @throws BrokenBarrierException if the barrier is or becomes broken
     * @throws InterruptedException if interrupted while waiting; the barrier is then broken
     */
    public int await() throws InterruptedException, BrokenBarrierException {
        return await(Deadline.after(defaultTimeout));
    }

    /**
     * As {@link #await()}, breaking the barrier if {@code timeout} passes first.
     *
     * @param timeout how long to wait at most; zero or negative breaks the barrier unless this is
     *     the last party
     * @return the arrival index, as {@link #await()}'s
     * @throws BrokenBarrierException if the barrier is or becomes broken, or the timeout passes
     * @throws InterruptedException if interrupted while waiting; the barrier is then broken
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException {
        return await(Deadline.after(timeout));
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
    public int nWaiting() {
        return (int) Atomics.INT.getVolatile(segment.memory(), base + SharedLayout.Barrier.COUNT);
    }

    private int await(Deadline deadline) throws InterruptedException, BrokenBarrierException {
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
            if (index + 1 == parties()) {
                runActionAndRelease(memory, generation);
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
    private void runActionAndRelease(MemorySegment memory, int generation) throws BrokenBarrierException {
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

    @Override
    public String toString() {
        return "<Barrier(parties=" + parties() + ", waiting=" + nWaiting() + (isBroken() ? ", broken" : "") + ")>";
    }

    /** Handles are equal when they refer to the same shared barrier, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Barrier other && base == other.base && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(base);
    }

}
