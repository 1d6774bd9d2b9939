package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.SharedBarrier;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;
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
 * <p>The state lives in shared memory and changes only under the barrier's own robust mutex
 * ({@code SharedBarrier}).
 */
public final class Barrier implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The shared state. */
    private final SharedBarrier barrier;
    /** What the last arriver of each generation runs first, or null. */
    private final SerializableRunnable action;
    /**
     * The timeout of {@link #await()}, or null for none.
     */
    private final Duration defaultTimeout;

    /**
     * A barrier for {@code parties}, no action, no default timeout.
     *
     * @param parties how many wait for each other, at least 1
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        this(parties, null, null);
    }

    /**
     * A barrier whose last arriver of each generation runs {@code action} first.
     *
     * @param parties how many wait for each other, at least 1
     * @param action run by the last arriver of each generation, or null
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties, SerializableRunnable action) {
        this(parties, action, null);
    }

    /**
     * A barrier with an action and a default timeout, Python's {@code Barrier(parties, action, timeout)}.
     *
     * @param parties how many wait for each other, at least 1
     * @param action run by the last arriver of each generation, or null
     * @param timeout for {@link #await()} without one, or null for none
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties, SerializableRunnable action, Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be at least 1, not " + parties);
        }
        SharedHeap.Chunk chunk = SharedHeap.allocate(SharedLayout.Header.KIND_BARRIER, SharedLayout.Barrier.SIZE);
        this.barrier = new SharedBarrier(chunk.segment(), chunk.offset());
        barrier.initialize(parties);
        chunk.freeWhenUnreachable(this);
        this.action = action;
        this.defaultTimeout = timeout;
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private Barrier(DataInputStream in) throws IOException {
        this.barrier = SharedBarrier.readFrom(in);
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
        barrier.writeTo(out);
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
        return barrier.await(Deadline.after(defaultTimeout), action == null ? null : action::run);
    }

    /**
     * As {@link #await()}, breaking the barrier if {@code timeout} passes first.
     *
     * @param timeout how long to wait at most, any size, or null for no limit (Python's None); zero
     *     or negative breaks the barrier unless this is the last party
     * @return the arrival index, as {@link #await()}'s
     * @throws BrokenBarrierException if the barrier is or becomes broken, or the timeout passes
     * @throws InterruptedException if interrupted while waiting; the barrier is then broken
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException {
        return barrier.await(Deadline.after(timeout), action == null ? null : action::run);
    }

    /** Breaks the barrier: current and later waiters get BrokenBarrierException until {@link #reset()}. */
    public void abort() {
        barrier.abort();
    }

    /** Breaks the current generation for those waiting in it, then makes the barrier usable again. */
    public void reset() {
        barrier.reset();
    }

    /**
     * True once broken, until {@link #reset()}.
     *
     * @return whether the barrier is broken
     */
    public boolean isBroken() {
        return barrier.isBroken();
    }

    /**
     * How many parties each generation waits for.
     *
     * @return the parties
     */
    public int parties() {
        return barrier.parties();
    }

    /**
     * How many parties wait in the current generation (Python's {@code n_waiting}).
     *
     * @return the parties waiting now
     */
    public int nWaiting() {
        return barrier.waiting();
    }

    @Override
    public String toString() {
        return "<Barrier(parties=" + parties() + ", waiting=" + nWaiting() + (isBroken() ? ", broken" : "") + ")>";
    }

    /** Handles are equal when they refer to the same shared barrier, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Barrier other && barrier.equals(other.barrier);
    }

    @Override
    public int hashCode() {
        return barrier.hashCode();
    }

}
