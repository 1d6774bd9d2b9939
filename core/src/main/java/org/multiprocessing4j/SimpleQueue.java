package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;

/**
 * A minimal queue shared by processes, Python's {@code multiprocessing.SimpleQueue}: put, take,
 * isEmpty and close, no bound and no timeouts. It has the same transport and guarantees as
 * {@link Queue}. *
 * @param <E> the type of the items
 */
public class SimpleQueue<E> implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The queue underneath. */
    private final Queue<E> queue;

    /** A new, empty queue. */
    public SimpleQueue() {
        this.queue = new Queue<>();
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private SimpleQueue(DataInputStream in) throws IOException {
        this.queue = new Queue<>(in);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        queue.writeTo(out);
        return true;
    }

    /**
     * Adds {@code item}; blocks only while the shared ring is full.
     *
     * @param item the item; not null
     * @throws InterruptedException if interrupted on entry or while waiting for room; nothing is added
     */
    public void put(E item) throws InterruptedException {
        queue.put(item);
    }

    /**
     * Blocks until an item is there and removes it.
     *
     * @return the item
     * @throws InterruptedException if interrupted on entry or while waiting; nothing is removed
     */
    public E take() throws InterruptedException {
        return queue.take();
    }

    /**
     * True if no item is waiting now (Python's {@code empty()}).
     *
     * @return whether a take would block
     */
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** This process will use the queue no more; closing twice is fine. */
    public void close() {
        queue.close();
    }

    @Override
    public String toString() {
        return "<SimpleQueue(size=" + queue.size() + ")>";
    }

    /** Handles are equal when they refer to the same shared queue, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SimpleQueue<?> other && queue.equals(other.queue);
    }

    @Override
    public int hashCode() {
        return queue.hashCode();
    }

}
