package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import java.time.Duration;
import org.multiprocessing4j.internal.shm.Deadline;

/**
 * A {@link Queue} that counts unfinished items, Python's {@code multiprocessing.JoinableQueue}:
 * every put adds one, {@link #taskDone()} removes one, and {@link #join()} waits for zero. *
 * @param <E> the type of the items
 */
public class JoinableQueue<E> extends Queue<E> {
    @Serial
    private static final long serialVersionUID = 1L;

    /** An unbounded joinable queue. */
    public JoinableQueue() {
        this(0);
    }

    /**
     * A joinable queue of at most {@code maxsize} items; zero or negative means unbounded.
     *
     * @param maxsize the most items it holds
     */
    public JoinableQueue(int maxsize) {
        super(maxsize, true);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    private JoinableQueue(DataInputStream in) throws IOException {
        super(in);
    }

    /**
     * Marks one item taken from the queue as processed.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        ring().taskDone();
    }

    /**
     * Blocks until every item ever put has been marked done by {@link #taskDone()}. A consumer that
     * died between taking an item and marking it done leaves it unfinished for ever: use
     * {@link #join(Duration)} where that can happen.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        ring().awaitTasksDone(Deadline.never());
    }

    /**
     * As {@link #join()}, for at most {@code timeout}; zero or negative does not block.
     *
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return true if every item was done, false if the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return ring().awaitTasksDone(Deadline.after(timeout));
    }
}
