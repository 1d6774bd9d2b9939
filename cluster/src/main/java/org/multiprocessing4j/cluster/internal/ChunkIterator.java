package org.multiprocessing4j.cluster.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntSupplier;
import org.multiprocessing4j.ProcessPoolException;

/**
 * A cluster pool's {@code imap} and {@code imap_unordered}: the input is read a chunk at a time,
 * only as far as a window of chunks in flight ahead of what the caller has taken, and an outcome is
 * dropped once its results are returned, so an input of any length runs in little memory. Read it
 * from one thread at a time.
 *
 * @param <R> the type of the results
 */
public final class ChunkIterator<R> implements Iterator<R> {
    /** Sends a chunk's bytes, of so many items, to the cluster. */
    @FunctionalInterface
    public interface Sender {
        /**
         * Sends a chunk.
         *
         * @param chunk its bytes
         * @param items how many items it has
         * @return its outcome
         */
        CompletableFuture<ChunkOutcome> send(byte[] chunk, int items);
    }

    private final Iterator<?> input;
    private final ItemFunction function;
    private final int chunksize;
    private final boolean ordered;
    private final Sender sender;
    private final IntSupplier window;
    private final ArrayDeque<Flight> flying = new ArrayDeque<>();
    private final LinkedBlockingQueue<Flight> landed = new LinkedBlockingQueue<>();
    private long read;
    private boolean inputEnded;
    private RuntimeException inputFailure;
    private Flight current;
    private int position;

    /**
     * An iterator over {@code function} applied to {@code input}.
     *
     * @param input the items
     * @param function what to do with each
     * @param chunksize items per chunk
     * @param ordered whether results come in the order of the items, or as they are done
     * @param sender sends a chunk
     * @param window how many chunks may be in flight at once, asked before each is sent
     */
    public ChunkIterator(Iterator<?> input, ItemFunction function, int chunksize, boolean ordered, Sender sender,
            IntSupplier window) {
        this.input = input;
        this.function = function;
        this.chunksize = chunksize;
        this.ordered = ordered;
        this.sender = sender;
        this.window = window;
    }

    @Override
    public boolean hasNext() {
        while (current == null || position == current.outcome.size()) {
            current = null;
            fill();
            if (flying.isEmpty()) {
                return inputFailure != null;
            }
            Flight next = ordered ? flying.peekFirst() : take();
            next.await();
            flying.remove(next);
            current = next;
            position = 0;
        }
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (current == null) {
            RuntimeException failure = inputFailure;
            inputFailure = null;
            throw failure;
        }
        int i = position++;
        Throwable failure = current.outcome.failures()[i];
        if (failure != null) {
            throw new ProcessPoolException("item " + (current.first + i) + " failed: " + failure, current.first + i,
                    failure);
        }
        return (R) current.outcome.results()[i];
    }

    /**
     * Sends chunks until the window is full or the input ends; what the input throws is kept, and
     * thrown after the results of the chunks before it.
     */
    private void fill() {
        while (!inputEnded && flying.size() < Math.max(1, window.getAsInt())) {
            List<Object> items = new ArrayList<>(chunksize);
            try {
                while (items.size() < chunksize && input.hasNext()) {
                    items.add(input.next());
                }
            } catch (RuntimeException e) {
                inputFailure = e; // as Python's: the items of a chunk the input broke off are dropped
                inputEnded = true;
                return;
            }
            if (items.size() < chunksize) {
                inputEnded = true;
            }
            if (items.isEmpty()) {
                return;
            }
            Flight flight = new Flight(read, items.size(), sender.send(Chunk.encode(function, items, read), items.size()));
            read += items.size();
            flying.add(flight);
            if (!ordered) {
                flight.future.whenComplete((outcome, failure) -> landed.add(flight));
            }
        }
    }

    private Flight take() {
        try {
            return landed.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessPoolException("interrupted while waiting for a cluster pool's results", -1, e);
        }
    }

    /** A chunk sent, whose first item is item {@link #first} of the input. */
    private static final class Flight {
        final long first;
        final int items;
        final CompletableFuture<ChunkOutcome> future;
        ChunkOutcome outcome;

        Flight(long first, int items, CompletableFuture<ChunkOutcome> future) {
            this.first = first;
            this.items = items;
            this.future = future;
        }

        /** Waits for the outcome; a chunk that failed whole fails each of its items. */
        void await() {
            try {
                outcome = future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProcessPoolException("interrupted while waiting for a cluster pool's results", first, e);
            } catch (CancellationException e) {
                throw e;
            } catch (ExecutionException e) {
                outcome = ChunkOutcome.failed(items, e.getCause());
            }
        }
    }
}
