package org.multiprocessing4j.internal.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import org.multiprocessing4j.ProcessPoolException;

/**
 * An imap, ordered or not, read lazily: the consumer's own calls read the input, a chunk at a time,
 * only while fewer than {@link #window} chunks are sent and not yet consumed. So neither the input
 * nor the results are ever held whole: a ten-million-item imap keeps a window of chunks in memory.
 *
 * <p>As in CPython, an item that failed throws {@link ProcessPoolException} when it is reached, and
 * the iterator goes on after it; an exception thrown by the input (or an item that cannot be
 * serialized) is thrown as it is, after the results of every item read before it, and ends the
 * iteration; the items of the chunk it interrupted are dropped, as CPython drops them.
 *
 * <p>One thread reads the iterator at a time, as for any {@link Iterator}. The result thread adds
 * chunks under this object's monitor; the input is read and units are submitted without it, so a
 * slow input never holds up the pool's results.
 */
final class ImapJob<T, R> implements Job, Iterator<R> {
    private final PoolEngine engine;
    private final Iterator<T> input;
    private final UnitEncoder<T> encoder;
    private final int chunksize;
    private final boolean ordered;
    private final int window;
    private final Progress progress;
    /** Items read from the input; only the consuming thread reads and writes it. */
    private long itemsRead;

    // Guarded by this.
    private final Map<Long, Chunk> finishedByFirst = new HashMap<>();
    private final ArrayDeque<Chunk> arrived = new ArrayDeque<>();
    private Chunk current;
    private int position;
    private long nextFirst;
    private int outstanding;
    private boolean inputDone;
    private RuntimeException inputFailure;
    private RuntimeException stopped;

    /** A unit's items with their outcomes. */
    private record Chunk(long first, Column outcomes) {}

    /** Makes a unit's payload from a chunk of input items. */
    @FunctionalInterface
    interface UnitEncoder<T> {
        /** @throws IllegalArgumentException naming the item that cannot be serialized */
        Frames.Payload payload(List<T> items, long first);
    }

    ImapJob(PoolEngine engine, Iterator<T> input, UnitEncoder<T> encoder, int chunksize, boolean ordered,
            Progress progress) {
        this.engine = engine;
        this.input = input;
        this.encoder = encoder;
        this.chunksize = chunksize;
        this.ordered = ordered;
        this.progress = progress;
        this.window = Math.max(4 * engine.processes(), (PoolCalls.IMAP_ITEMS_IN_FLIGHT + chunksize - 1) / chunksize);
        engine.openJob(this);
    }

    @Override
    public boolean hasNext() {
        while (true) {
            topUp();
            synchronized (this) {
                if (current != null && position < current.outcomes.size()) {
                    return true;
                }
                Chunk next = ordered ? finishedByFirst.remove(nextFirst) : arrived.poll();
                if (next != null) {
                    current = next;
                    position = 0;
                    outstanding--;
                    nextFirst += next.outcomes.size();
                    continue;
                }
                if (stopped != null) {
                    return true;
                }
                if (outstanding == 0 && inputDone) {
                    return inputFailure != null;
                }
                if (!inputDone && outstanding < window) {
                    continue;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProcessPoolException("interrupted while waiting for a result of imap", -1, e);
                }
            }
        }
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        synchronized (this) {
            if (current != null && position < current.outcomes.size()) {
                long index = current.first + position;
                Object outcome = current.outcomes.get(position++);
                if (outcome instanceof Failed failed) {
                    throw new ProcessPoolException("item " + index + " failed: " + failed.cause(), index, failed.cause());
                }
                @SuppressWarnings("unchecked")
                R result = (R) outcome;
                return result;
            }
            if (stopped != null) {
                throw stopped;
            }
            RuntimeException failure = inputFailure;
            inputFailure = null;
            throw failure;
        }
    }

    /** Reads and submits chunks while the window has room and the input has items. */
    private void topUp() {
        while (true) {
            synchronized (this) {
                if (inputDone || stopped != null || outstanding >= window) {
                    return;
                }
            }
            List<T> items = new ArrayList<>(Math.min(chunksize, PoolCalls.IMAP_ITEMS_IN_FLIGHT));
            Frames.Payload payload;
            try {
                while (items.size() < chunksize && input.hasNext()) {
                    items.add(input.next());
                }
                payload = items.isEmpty() ? null : encoder.payload(items, itemsRead);
            } catch (RuntimeException failure) {
                endInput(failure);
                return;
            }
            if (payload == null) {
                endInput(null);
                return;
            }
            Unit unit = new Unit(engine.newUnitId(), this, itemsRead, items.size(), payload);
            itemsRead += items.size();
            synchronized (this) {
                outstanding++;
            }
            try {
                engine.submit(List.of(unit), true);
            } catch (RejectedExecutionException notRunning) {
                synchronized (this) {
                    outstanding--;
                }
                endInput(notRunning);
                return;
            }
            if (items.size() < chunksize) {
                endInput(null);
                return;
            }
        }
    }

    /** The input is read to its end, or threw {@code failure}. */
    private void endInput(RuntimeException failure) {
        synchronized (this) {
            if (inputDone) {
                return;
            }
            inputDone = true;
            inputFailure = failure;
            notifyAll();
        }
        if (failure == null) {
            progress.total(itemsRead);
        }
        engine.closeJob(this);
    }

    @Override
    public synchronized void completed(Unit unit, Column outcomes) {
        Chunk chunk = new Chunk(unit.first, outcomes);
        if (ordered) {
            finishedByFirst.put(unit.first, chunk);
        } else {
            arrived.add(chunk);
        }
        progress.advance(outcomes.size()); // before the consumer can see the last result
        notifyAll();
    }

    /** The results of what was read come, then the iteration ends in RejectedExecutionException. */
    @Override
    public void poolShutDown() {
        endInput(new RejectedExecutionException("Pool not running (shut down) before this imap's input was read"
                + " to its end; the results of what was read came before this"));
    }

    @Override
    public synchronized void cancelled(Unit unit) {
        stopped = new CancellationException("the pool was terminated");
        notifyAll();
    }

    @Override
    public boolean abandoned() {
        return false;
    }
}
