package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.SharedEvent;
import org.multiprocessing4j.internal.shm.SharedHeap;
import org.multiprocessing4j.internal.shm.SharedLayout;

/**
 * A flag shared by processes that threads can wait for, Python's {@code multiprocessing.Event}.
 * ({@code wait} is {@link #await} here: {@code Object.wait} is taken.)
 *
 * <p>The flag is one word in shared memory; {@link #set()} writes it and wakes every waiter, and a
 * waiter sleeps on it while it reads 0 ({@code SharedEvent}).
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
    /** The shared flag. */
    private final SharedEvent event;

    /** A new event, clear. */
    public Event() {
        SharedHeap.Chunk chunk = SharedHeap.allocate(SharedLayout.Header.KIND_EVENT, SharedLayout.Event.SIZE);
        this.event = new SharedEvent(chunk.segment(), chunk.offset());
        chunk.freeWhenUnreachable(this);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private Event(DataInputStream in) throws IOException {
        this.event = SharedEvent.readFrom(in);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        event.writeTo(out);
        return true;
    }

    /**
     * True if the flag is set (Python's {@code is_set()}).
     *
     * @return whether it is set
     */
    public boolean isSet() {
        return event.isSet();
    }

    /** Sets the flag and wakes every thread of every process waiting for it. */
    public void set() {
        event.set();
    }

    /** Clears the flag: later waits block until it is set again. */
    public void clear() {
        event.clear();
    }

    /**
     * Blocks until the flag is set.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void await() throws InterruptedException {
        event.await(Deadline.never());
    }

    /**
     * Blocks until the flag is set or {@code timeout} passes; zero or negative does not block.
     *
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return true if the flag is set
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return event.await(Deadline.after(timeout));
    }

    @Override
    public String toString() {
        return "<Event(" + (isSet() ? "set" : "unset") + ")>";
    }

    /** Handles are equal when they refer to the same shared event, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Event other && event.equals(other.event);
    }

    @Override
    public int hashCode() {
        return event.hashCode();
    }

}
