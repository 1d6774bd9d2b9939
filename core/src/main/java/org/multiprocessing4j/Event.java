package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.multiprocessing4j.internal.shm.Atomics;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * A flag shared by processes that threads can wait for, Python's {@code multiprocessing.Event}.
 * ({@code wait} is {@link #await} here: {@code Object.wait} is taken.)
 *
 * <p>The flag is one word ({@code SharedLayout.Event}); {@link #set()} writes it and wakes every
 * waiter, and a waiter sleeps on it while it reads 0.
 *
 * <pre>{@code
 * Event ready = new Event();
 * new Process(() -> {
 *     prepare();
 *     ready.set();
 * }).start();
 * ready.await(Duration.ofSeconds(30));
 * }</pre>
 */
public final class Event implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int CLEAR = 0;
    private static final int SET = 1;

    private final SharedSegment segment;
    private final long flag;

    /** A new event, clear. */
    public Event() {
        SharedHeap.Chunk chunk = SharedHeap.allocate(SharedLayout.Header.KIND_EVENT, SharedLayout.Event.SIZE);
        this.segment = chunk.segment();
        this.flag = chunk.offset() + SharedLayout.Event.FLAG;
        chunk.freeWhenUnreachable(this);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private Event(DataInputStream in) throws IOException {
        this.segment = SharedSegment.readFrom(in);
        this.flag = segment.checkedOffset(in.readLong(), SharedLayout.Event.SIZE);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(flag);
        return true;
    }

    public boolean isSet() {
        return (int) Atomics.INT.getVolatile(segment.memory(), flag) == SET;
    }

    /** Sets the flag and wakes every thread of every process waiting for it. */
    public void set() {
        Atomics.INT.setVolatile(segment.memory(), flag, SET);
        Futex.wakeAll(segment.word(flag));
    }

    public void clear() {
        Atomics.INT.setVolatile(segment.memory(), flag, CLEAR);
    }

    /**
     * Blocks until the flag is set.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void await() throws InterruptedException {
        await(Deadline.never());
    }

    /**
     * Blocks until the flag is set or {@code timeout} passes; zero or negative does not block.
     *
     * @param timeout how long to wait at most; any size
     * @return true if the flag is set
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return await(Deadline.after(timeout));
    }

    private boolean await(Deadline deadline) throws InterruptedException {
        MemorySegment memory = segment.memory();
        MemorySegment word = segment.word(flag);
        while ((int) Atomics.INT.getVolatile(memory, flag) != SET) {
            if (deadline.passed()) {
                return false;
            }
            Deadline.checkInterrupt();
            Futex.await(word, CLEAR, deadline.slice());
        }
        return true;
    }

    @Override
    public String toString() {
        return "<Event(" + (isSet() ? "set" : "unset") + ")>";
    }

    /** Handles are equal when they refer to the same shared event, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Event other && flag == other.flag && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(flag);
    }

}
