package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.multiprocessing4j.internal.shm.CountedSends;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.wire.Codec;

/**
 * A queue shared by processes, Python's {@code multiprocessing.Queue}, and a
 * {@link BlockingQueue}: any number of processes and threads put and take.
 *
 * <p>Items travel as bytes through a ring in shared memory ({@code MessageRing}): boxed primitives,
 * strings, {@code byte[]} and primitive arrays in a compact form, anything else through Java
 * serialization behind an {@code ObjectInputFilter}. An item is serialized in the caller before
 * the queue is touched, so one that cannot be serialized fails in {@code put} with an
 * {@link IllegalArgumentException} naming its class, and the queue is unchanged. Items larger than
 * a quarter of the ring go through a file beside it, so any size goes through, in order; a process
 * that puts them fills the same few files again once they are read, so a stream of large items
 * costs copies, not fresh memory.
 *
 * <p>Unlike Python's there is no feeder thread: {@code put} has written the item to shared memory
 * when it returns. A process that puts items and exits never hangs on exit, and its items stay in
 * the queue. A {@code put} blocks when the queue holds {@code maxsize} items, or when the ring
 * ({@value #DEFAULT_CAPACITY} bytes) is full of unread items; a {@code put} of a large item also
 * waits, a few seconds at most and never past its timeout, for a reader that is copying out one of
 * this process's earlier large items, rather than take fresh memory for it. {@code offer(e)} never
 * waits.
 *
 * <p>Items put by one process arrive in the order they were put; items of several producers
 * interleave. A process killed while taking leaves the queue consistent: the item it had not
 * finished taking stays at the head.
 *
 * <pre>{@code
 * Queue<Integer> queue = new Queue<>();
 * new Process(() -> {
 *     for (int i = 0; i < 1000; i++) {
 *         queue.put(i);
 *     }
 * }).start();
 * int first = queue.take();
 * }</pre>
 *
 * <p>As every {@link BlockingQueue}, it refuses null: {@code put}, {@code offer} and {@code add}
 * throw {@link NullPointerException}.
 *
 * <p>Its {@link #iterator()} is weakly consistent, as {@link java.util.concurrent.LinkedBlockingQueue}'s:
 * it shows the items there when it was made, oldest first, and so do {@code contains},
 * {@code toArray}, {@code forEach} and {@code stream}; items taken meanwhile by any process may be
 * left out. Removing an item other than the head ({@code remove(Object)}, {@code removeIf},
 * {@code removeAll}, {@code retainAll}, the iterator's {@code remove}) is not supported: other
 * processes take from the same ring, and a ring has no middle to cut out.
 *
 * @param <E> the type of the items
 */
public class Queue<E> extends AbstractQueue<E> implements BlockingQueue<E>, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** Bytes of the shared ring of a queue. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    /** The shared ring. */
    private final MessageRing ring;
    private transient volatile boolean closed;

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /**
     * A queue of at most {@code maxsize} items; zero or negative means unbounded, as in Python.
     *
     * @param maxsize the most items it holds
     */
    public Queue(int maxsize) {
        this(maxsize, false);
    }

    /** For JoinableQueue: {@code joinable} queues count unfinished tasks. */
    Queue(int maxsize, boolean joinable) {
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_QUEUE,
                SharedLayout.Ring.size(DEFAULT_CAPACITY));
        this.ring = new MessageRing(segment, SharedLayout.Header.SIZE);
        ring.initialize(DEFAULT_CAPACITY, Math.max(0, maxsize), joinable);
    }

    /** The copy a process reads from this handle's compact form ({@code CompactForms}). */
    Queue(DataInputStream in) throws IOException {
        this.ring = MessageRing.readFrom(in);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        writeTo(out);
        return true;
    }

    /** Writes where this queue is, for the reading constructor; part of the compact form of what holds it. */
    final void writeTo(DataOutputStream out) throws IOException {
        ring.writeTo(out);
    }

    /**
     * Blocks until there is room, then adds {@code e}.
     *
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing is added
     */
    @Override
    public void put(E e) throws InterruptedException {
        send(e, Deadline.never(), true);
    }

    /** Adds {@code e} if there is room now; never blocks. */
    @Override
    public boolean offer(E e) {
        try {
            return send(e, Deadline.immediate(), false);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Adds {@code e}, waiting at most {@code timeout} for room; false if there was none.
     *
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing is added
     */
    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        return send(e, Deadline.after(timeout, unit), true);
    }

    /**
     * Blocks until an item is there and removes it.
     *
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing is removed
     */
    @Override
    public E take() throws InterruptedException {
        Deadline.checkInterrupt();
        return decode(read(Deadline.never(), true), true);
    }

    /** Removes an item if there is one now, else returns null; never blocks, and ignores the interrupt status. */
    @Override
    public E poll() {
        try {
            return itemOrNull(Deadline.immediate(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Removes an item, waiting at most {@code timeout} for one; null if none came.
     *
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing is removed
     */
    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        Deadline deadline = Deadline.after(timeout, unit);
        Deadline.checkInterrupt();
        return itemOrNull(deadline, true);
    }

    /** The head item without removing it, or null if the queue is empty. */
    @Override
    public E peek() {
        try {
            return itemOrNull(Deadline.immediate(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** How many items are in the queue now (Python's {@code qsize()}). */
    @Override
    public int size() {
        return ring.items();
    }

    @Override
    public int remainingCapacity() {
        int maxsize = ring.maxsize();
        return maxsize == 0 ? Integer.MAX_VALUE : Math.max(0, maxsize - ring.items());
    }

    /**
     * True if the queue holds maxsize items (Python's {@code full()}).
     *
     * @return whether a put would block
     */
    public boolean isFull() {
        return remainingCapacity() == 0;
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c);
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        int n = 0;
        E e;
        while (n < maxElements && (e = poll()) != null) {
            c.add(e);
            n++;
        }
        return n;
    }

    /**
     * This process will put no more items, Python's {@code close()}: later {@code put}s and takes
     * in this process throw IllegalStateException. Other processes are not affected; closing twice
     * is fine.
     */
    public void close() {
        closed = true;
    }

    /**
     * The items in the queue now, oldest first, none removed: a weakly consistent iterator, which
     * never throws {@link java.util.ConcurrentModificationException} and may leave out items other
     * threads or processes take while it is made. It neither waits for nor holds up takers, and
     * copies the items out at once. Its {@code remove} is not supported.
     *
     * @throws IllegalStateException if this process closed the queue
     * @throws UncheckedIOException if an item cannot be read
     */
    @Override
    public Iterator<E> iterator() {
        checkOpen();
        List<E> items = new ArrayList<>();
        try {
            for (Object message : ring.snapshot(Codec.MESSAGES)) {
                items.add(decode(message, false));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return Collections.unmodifiableList(items).iterator();
    }

    /** Not supported: only the head of a queue shared by processes is taken. */
    @Override
    public boolean remove(Object o) {
        throw cannotRemoveFromTheMiddle();
    }

    /** Not supported: only the head of a queue shared by processes is taken. */
    @Override
    public boolean removeAll(Collection<?> c) {
        throw cannotRemoveFromTheMiddle();
    }

    /** Not supported: only the head of a queue shared by processes is taken. */
    @Override
    public boolean retainAll(Collection<?> c) {
        throw cannotRemoveFromTheMiddle();
    }

    /** Not supported: only the head of a queue shared by processes is taken. */
    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        throw cannotRemoveFromTheMiddle();
    }

    private static UnsupportedOperationException cannotRemoveFromTheMiddle() {
        return new UnsupportedOperationException("a Queue shared by processes gives up only its head: take, poll or drainTo");
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + "(size=" + size() + ")>";
    }

    /**
     * Leaves the queue's shared memory now, and deletes its file if no other live process uses it:
     * for a queue of the library's own whose readers have all ended, such as a manager's queue of
     * connections once its server has.
     */
    void retire() {
        ring.retire();
    }

    /** The ring, for JoinableQueue. */
    MessageRing ring() {
        return ring;
    }

    /**
     * Encodes {@code e}, then (after looking at the interrupt status, if {@code interruptible}) puts
     * it by {@code deadline}. A frame is taken once, so the handles in it are counted as sent rather
     * than pinned, and taken back if it did not go in ({@link CountedSends}).
     */
    private boolean send(E e, Deadline deadline, boolean interruptible) throws InterruptedException {
        Objects.requireNonNull(e, "a Queue holds no null: poll() returns null for an empty queue");
        checkOpen();
        int counted = CountedSends.beginSend(Codec.mayHoldHandles(e));
        boolean sent = false;
        try {
            Codec.Parts item;
            try {
                item = Codec.encodeParts(e, "an item put on a Queue");
            } finally {
                CountedSends.endSend(counted);
            }
            if (interruptible) {
                Deadline.checkInterrupt();
            }
            sent = ring.put(item.head(), item.body(), deadline);
            return sent;
        } finally {
            CountedSends.settle(counted, sent);
        }
    }

    /** The next message as {@link Codec#MESSAGES} reads it, or null. */
    private Object read(Deadline deadline, boolean consume) throws InterruptedException {
        checkOpen();
        try {
            return consume ? ring.take(deadline, Codec.MESSAGES) : ring.peek(deadline, Codec.MESSAGES);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The next item, decoded, or null if none came by the deadline. */
    private E itemOrNull(Deadline deadline, boolean consume) throws InterruptedException {
        Object message = read(deadline, consume);
        return message == null ? null : decode(message, consume);
    }

    /** The item in {@code message}; {@code taken} if it was removed from the queue, not just looked at. */
    @SuppressWarnings("unchecked")
    private E decode(Object message, boolean taken) {
        try {
            return (E) (taken ? Codec.decodeTaken(message) : Codec.decode(message));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an item of " + this + ": " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
    }

    /** Handles are equal when they refer to the same shared queue, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Queue<?> other && getClass() == other.getClass() && ring.equals(other.ring);
    }

    @Override
    public int hashCode() {
        return ring.hashCode();
    }

}
