package org.multiprocessing4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.multiprocessing4j.function.SerializableBiFunction;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableFunction;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.shm.Deadline;

/**
 * Python's pool calls and the {@link ExecutorService} contract, in terms of a few asynchronous
 * calls that each kind of pool implements: the local {@link Pool}, and pools whose workers are
 * elsewhere (the cluster module's {@code ClusterPool}).
 *
 * <p>What this class gives: the blocking calls ({@link #map}, {@link #starmap}, {@link #apply})
 * wait for their asynchronous forms and throw {@link ProcessPoolException}; {@code submit},
 * {@code execute}, {@code invokeAll} and {@code invokeAny} go through {@link #submitTask}, and
 * cancel what they give up on; {@link #close()} is {@link ExecutorService#close()}. What a subclass
 * gives: the asynchronous calls, {@link #terminate()}, the life cycle, and {@link #submitTask}.
 */
public abstract class AbstractPool implements ExecutorService {
    /** For subclasses. */
    protected AbstractPool() {}

    // ---- Python's calls ----

    /**
     * Python's {@code map}: {@code fn} applied to every item, in parallel, results in order. The
     * items are cut into chunks as Python does: four per worker.
     *
     * @param fn the function
     * @param items the items; read whole first
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, in the order of the items
     * @throws ProcessPoolException if an item failed, naming the first failure to arrive; thrown
     *     once every item is done
     * @throws IllegalArgumentException naming the item or the class that cannot be serialized;
     *     nothing of the map runs on
     * @throws RejectedExecutionException if the pool was shut down
     */
    public <T, R> List<R> map(SerializableFunction<T, R> fn, Iterable<? extends T> items) {
        return await(mapAsync(fn, items));
    }

    /**
     * As {@link #map(SerializableFunction, Iterable)}, in chunks of {@code chunksize} items.
     *
     * @param fn the function
     * @param items the items
     * @param chunksize items a worker takes at once, at least 1
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, in the order of the items
     */
    public <T, R> List<R> map(SerializableFunction<T, R> fn, Iterable<? extends T> items, int chunksize) {
        return await(mapAsync(fn, items, chunksize));
    }

    /**
     * Python's {@code map_async}.
     *
     * @param fn the function
     * @param items the items
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the future of the results; it fails with a {@link ProcessPoolException}
     */
    public abstract <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<T, R> fn,
            Iterable<? extends T> items);

    /**
     * Python's {@code map_async} with a chunk size.
     *
     * @param fn the function
     * @param items the items
     * @param chunksize items a worker takes at once, at least 1
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the future of the results; it fails with a {@link ProcessPoolException}
     */
    public abstract <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<T, R> fn,
            Iterable<? extends T> items, int chunksize);

    /**
     * Python's {@code starmap}: {@code fn} applied to each pair's key and value, as Python applies
     * a function to each tuple's items. {@code Map.entry(a, b)} makes a pair.
     *
     * @param fn the function of two arguments
     * @param pairs the pairs of arguments
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @param <R> the type of the results
     * @return the results, in the order of the pairs
     * @throws ProcessPoolException as {@link #map(SerializableFunction, Iterable)}
     */
    public <A, B, R> List<R> starmap(SerializableBiFunction<A, B, R> fn, Iterable<? extends Map.Entry<A, B>> pairs) {
        return await(starmapAsync(fn, pairs));
    }

    /**
     * Python's {@code starmap} with a chunk size.
     *
     * @param fn the function of two arguments
     * @param pairs the pairs of arguments
     * @param chunksize pairs a worker takes at once, at least 1
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @param <R> the type of the results
     * @return the results, in the order of the pairs
     */
    public <A, B, R> List<R> starmap(SerializableBiFunction<A, B, R> fn, Iterable<? extends Map.Entry<A, B>> pairs,
            int chunksize) {
        return await(starmapAsync(fn, pairs, chunksize));
    }

    /**
     * Python's {@code starmap_async}.
     *
     * @param fn the function of two arguments
     * @param pairs the pairs of arguments
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @param <R> the type of the results
     * @return the future of the results; it fails with a {@link ProcessPoolException}
     */
    public abstract <A, B, R> CompletableFuture<List<R>> starmapAsync(SerializableBiFunction<A, B, R> fn,
            Iterable<? extends Map.Entry<A, B>> pairs);

    /**
     * Python's {@code starmap_async} with a chunk size.
     *
     * @param fn the function of two arguments
     * @param pairs the pairs of arguments
     * @param chunksize pairs a worker takes at once, at least 1
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @param <R> the type of the results
     * @return the future of the results; it fails with a {@link ProcessPoolException}
     */
    public abstract <A, B, R> CompletableFuture<List<R>> starmapAsync(SerializableBiFunction<A, B, R> fn,
            Iterable<? extends Map.Entry<A, B>> pairs, int chunksize);

    /**
     * Python's {@code imap}: the results in order, lazily. The items are read as the results are
     * consumed, a window of chunks ahead, and results are not kept once returned, so an input of
     * any length runs in little memory. An item that failed makes {@code next()} throw
     * {@link ProcessPoolException} at its place, and the iteration goes on after it; an exception
     * thrown by the input itself is thrown as it is, after the results of the items before it, and
     * ends the iteration. Read it from one thread at a time. Waiting in {@code hasNext()} or
     * {@code next()} throws {@link ProcessPoolException} if the thread is interrupted, and
     * {@link CancellationException} once the pool is terminated.
     *
     * @param fn the function
     * @param items the items
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, in the order of the items
     */
    public <T, R> Iterator<R> imap(SerializableFunction<T, R> fn, Iterable<? extends T> items) {
        return imap(fn, items, 1);
    }

    /**
     * As {@link #imap(SerializableFunction, Iterable)}, in chunks of {@code chunksize} items.
     *
     * @param fn the function
     * @param items the items
     * @param chunksize items a worker takes at once, at least 1
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, in the order of the items
     */
    public abstract <T, R> Iterator<R> imap(SerializableFunction<T, R> fn, Iterable<? extends T> items,
            int chunksize);

    /**
     * Python's {@code imap_unordered}: as {@link #imap(SerializableFunction, Iterable)}, the results
     * in the order they are done.
     *
     * @param fn the function
     * @param items the items
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, as they are done
     */
    public <T, R> Iterator<R> imapUnordered(SerializableFunction<T, R> fn, Iterable<? extends T> items) {
        return imapUnordered(fn, items, 1);
    }

    /**
     * Python's {@code imap_unordered} with a chunk size.
     *
     * @param fn the function
     * @param items the items
     * @param chunksize items a worker takes at once, at least 1
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, as they are done
     */
    public abstract <T, R> Iterator<R> imapUnordered(SerializableFunction<T, R> fn, Iterable<? extends T> items,
            int chunksize);

    /**
     * Python's {@code apply}: runs {@code task} in a worker and waits for its result.
     *
     * @param task the task
     * @param <R> the type of the result
     * @return its result
     * @throws ProcessPoolException whose cause is what the task threw, or why it has no result
     * @throws IllegalArgumentException naming the class if the task cannot be serialized
     * @throws RejectedExecutionException if the pool was shut down
     */
    public <R> R apply(SerializableCallable<R> task) {
        return await(applyAsync(task));
    }

    /**
     * Python's {@code apply_async}.
     *
     * @param task the task
     * @param <R> the type of the result
     * @return the future of its result, failing with what the task threw
     * @throws IllegalArgumentException naming the class if the task cannot be serialized
     * @throws RejectedExecutionException if the pool was shut down
     */
    public <R> CompletableFuture<R> applyAsync(SerializableCallable<R> task) {
        return submitTask(Objects.requireNonNull(task, "task"), sameResult());
    }

    /**
     * Kills the workers now, Python's {@code terminate()}: every unfinished task's future is
     * cancelled, and waiting calls throw {@link CancellationException}.
     */
    public abstract void terminate();

    /**
     * Runs one task in a worker: a serializable {@link Callable}, {@link SerializableCallable},
     * {@link Runnable} or {@link org.multiprocessing4j.function.SerializableRunnable}.
     *
     * @param task the task, whose serializability the caller has checked
     * @param adapt turns the task's result into the future's
     * @param <T> the type of the future's result
     * @return the future of its result; cancelling it stops the task
     * @throws IllegalArgumentException naming the class if the task cannot be serialized
     * @throws RejectedExecutionException if the pool takes no more work
     */
    protected abstract <T> CompletableFuture<T> submitTask(Object task, Function<Object, T> adapt);

    // ---- ExecutorService ----

    /**
     * Runs {@code command} in a worker; if it throws, that is logged as a warning.
     *
     * @param command a {@link Serializable} runnable
     * @throws IllegalArgumentException if it is not serializable, naming its class
     * @throws RejectedExecutionException if the pool was shut down
     */
    @Override
    public void execute(Runnable command) {
        submit(command).whenComplete((result, failure) -> {
            if (failure != null && !(failure instanceof CancellationException)) {
                Log.warning("a task executed by a pool failed: " + failure, failure);
            }
        });
    }

    /**
     * Runs {@code task} in a worker.
     *
     * @param task a {@link Serializable} callable, such as
     *     {@code (Callable<Integer> & Serializable) () -> 42}; {@link #applyAsync} takes lambdas as they are
     * @throws IllegalArgumentException if it is not serializable, naming its class
     * @throws RejectedExecutionException if the pool was shut down
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return submitTask(serializable(task), sameResult());
    }

    /**
     * Runs {@code task} in a worker; the future's result is null.
     *
     * @param task a {@link Serializable} runnable
     * @throws IllegalArgumentException if it is not serializable, naming its class
     * @throws RejectedExecutionException if the pool was shut down
     */
    @Override
    public CompletableFuture<?> submit(Runnable task) {
        return submitTask(serializable(task), sameResult());
    }

    /**
     * Runs {@code task} in a worker; the future's result is {@code result}, which stays here.
     *
     * @param task a {@link Serializable} runnable
     * @param result the future's result
     * @throws IllegalArgumentException if it is not serializable, naming its class
     * @throws RejectedExecutionException if the pool was shut down
     */
    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        return submitTask(serializable(task), ignored -> result);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return invokeAll(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /**
     * Runs every task and waits until all are done or the timeout passes; those not done then are
     * cancelled, and their workers stopped.
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        List<CompletableFuture<T>> futures = submitAll(tasks);
        Deadline deadline = Deadline.after(timeout, unit);
        try {
            for (CompletableFuture<T> future : futures) {
                try {
                    future.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | CancellationException done) {
                    // done, exceptionally
                } catch (TimeoutException late) {
                    break;
                }
            }
        } finally {
            for (CompletableFuture<T> future : futures) {
                future.cancel(true); // does nothing to those done
            }
        }
        return new ArrayList<>(futures);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException never) {
            throw new IllegalStateException(never);
        }
    }

    /**
     * Runs the tasks and returns the result of the first to succeed; the others are cancelled, and
     * the workers running them stopped.
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        List<CompletableFuture<T>> futures = submitAll(tasks);
        CompletableFuture<T> first = new CompletableFuture<>();
        int[] failures = {0};
        for (CompletableFuture<T> future : futures) {
            future.whenComplete((result, failure) -> {
                if (failure == null) {
                    first.complete(result);
                } else {
                    synchronized (failures) {
                        if (++failures[0] == futures.size()) {
                            first.completeExceptionally(failure);
                        }
                    }
                }
            });
        }
        try {
            return first.get(Deadline.after(timeout, unit).remainingNanos(), TimeUnit.NANOSECONDS);
        } finally {
            for (CompletableFuture<T> future : futures) {
                future.cancel(true);
            }
        }
    }

    /**
     * {@link ExecutorService#close()}: shuts down and waits until the submitted work is done and the
     * workers have exited; if interrupted meanwhile, terminates, and keeps the interrupt. This differs
     * from Python's {@code with Pool()}, which terminates: call {@link #terminate()} for that.
     */
    @Override
    public void close() {
        ExecutorService.super.close();
    }

    /**
     * The result of a blocking call, its failure thrown as {@link ProcessPoolException}.
     *
     * @param future the future of an asynchronous call
     * @param <T> the type of its result
     * @return its result
     * @throws ProcessPoolException if it failed (naming the item that failed, if it did), or if the
     *     thread was interrupted while waiting; then the future is cancelled, and the interrupt kept
     */
    protected static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProcessPoolException("interrupted while waiting for a pool's results", -1, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ProcessPoolException failed) {
                throw new ProcessPoolException(failed.getMessage(), failed.itemIndex(), failed.getCause());
            }
            throw new ProcessPoolException("the task failed: " + cause, -1, cause);
        }
    }

    private <T> List<CompletableFuture<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        for (Callable<T> task : tasks) {
            serializable(task);
        }
        List<CompletableFuture<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) {
                futures.add(submit(task));
            }
        } catch (RuntimeException e) {
            futures.forEach(future -> future.cancel(true));
            throw e;
        }
        return futures;
    }

    private static <T> T serializable(T task) {
        Objects.requireNonNull(task, "task");
        if (!(task instanceof Serializable)) {
            throw new IllegalArgumentException("a task submitted to a pool must be Serializable, and "
                    + task.getClass().getName() + " is not: cast a lambda to (Callable<T> & Serializable),"
                    + " or use applyAsync");
        }
        return task;
    }

    @SuppressWarnings("unchecked")
    private static <T> Function<Object, T> sameResult() {
        return value -> (T) value;
    }
}
