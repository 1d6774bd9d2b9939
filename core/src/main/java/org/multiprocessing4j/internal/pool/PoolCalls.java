package org.multiprocessing4j.internal.pool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.multiprocessing4j.ProgressListener;

/**
 * The calls of a {@code Pool} made into jobs and units: functions and items are encoded here, in
 * the calling thread, so that what cannot be serialized fails the call, naming its class (and the
 * item's index), before anything of it runs.
 */
public final class PoolCalls {
    /** The items an imap keeps in flight at least, whatever its chunk size. */
    static final int IMAP_ITEMS_IN_FLIGHT = 1024;
    /** Python's map cuts its input into four chunks per worker. */
    static final int CHUNKS_PER_WORKER = 4;

    private final PoolEngine engine;
    private final Object owner;

    /** The calls of the pool {@code owner}, which every future keeps reachable. */
    public PoolCalls(PoolEngine engine, Object owner) {
        this.engine = engine;
        this.owner = owner;
    }

    /**
     * Runs one task: a serializable {@code Callable}, {@code SerializableCallable},
     * {@code Runnable} or {@code SerializableRunnable}; its result goes through {@code adapt}.
     *
     * @throws IllegalArgumentException naming the class if the task cannot be serialized
     * @throws java.util.concurrent.RejectedExecutionException if the pool takes no more work
     */
    public <T> CompletableFuture<T> call(Object task, Function<Object, T> adapt) {
        TaskFunction function = TaskFunction.of(task, "a task submitted to a Pool");
        TaskFuture<T> future = new TaskFuture<>(owner);
        CallJob<T> job = new CallJob<>(future, task, adapt);
        future.onCancel((cancelled, interrupt) -> engine.cancel(job, interrupt));
        engine.submit(List.of(new Unit(engine.newUnitId(), job, 0, 1,
                Frames.payload(Frames.CALL, function, List.of(), "", 0))), false);
        return future;
    }

    /** Python's {@code map_async}: {@code function} applied to each item; chunksize 0 chooses as Python does. */
    public <R> CompletableFuture<List<R>> map(Object function, Iterable<?> items, int chunksize, ProgressListener progress) {
        return mapChunks(Frames.EACH, function, items, chunksize, progress);
    }

    /** Python's {@code starmap_async}: {@code function} applied to each pair's key and value. */
    public <R> CompletableFuture<List<R>> starmap(Object function, Iterable<? extends Map.Entry<?, ?>> pairs,
            int chunksize, ProgressListener progress) {
        return mapChunks(Frames.PAIRS, function, pairs, chunksize, progress);
    }

    /** Python's {@code imap} ({@code ordered}) or {@code imap_unordered}, read lazily. */
    public <T, R> Iterator<R> imap(Object function, Iterable<T> items, int chunksize, boolean ordered,
            ProgressListener progress) {
        checkChunksize(chunksize);
        Objects.requireNonNull(items, "items");
        engine.checkRunning();
        TaskFunction encoded = TaskFunction.of(function, "the function of an imap");
        long total = items instanceof Collection<?> collection ? collection.size() : -1;
        return new ImapJob<T, R>(engine, items.iterator(), (chunk, first) -> payload(Frames.EACH, encoded, chunk, first),
                chunksize, ordered, new Progress(progress, total));
    }

    /** CPython's default chunk size for map: four chunks per worker, rounded up; 0 for no items. */
    static int defaultChunksize(int items, int workers) {
        int perChunk = items / (workers * CHUNKS_PER_WORKER);
        return items % (workers * CHUNKS_PER_WORKER) == 0 ? perChunk : perChunk + 1;
    }

    private <R> CompletableFuture<List<R>> mapChunks(byte kind, Object function, Iterable<?> items, int chunksize,
            ProgressListener progress) {
        if (chunksize != 0) {
            checkChunksize(chunksize);
        }
        Objects.requireNonNull(items, "items");
        engine.checkRunning();
        TaskFunction encoded = TaskFunction.of(function, "the function of a map");
        // The items are read in this call only, so a List is read as it is; others are copied first.
        List<?> list = items instanceof List<?> given && given instanceof java.util.RandomAccess ? given
                : items instanceof Collection<?> collection ? new ArrayList<>(collection) : read(items);
        TaskFuture<List<R>> future = new TaskFuture<>(owner);
        if (list.isEmpty()) {
            future.complete(new ArrayList<>());
            return future;
        }
        int size = chunksize > 0 ? chunksize : defaultChunksize(list.size(), engine.processes());
        MapJob<R> job = new MapJob<>(list.size(), size, future, new Progress(progress, list.size()));
        future.onCancel((cancelled, interrupt) -> engine.cancel(job, interrupt));
        for (int first = 0; first < list.size(); first += size) {
            List<?> chunk = list.subList(first, Math.min(list.size(), first + size));
            try {
                engine.submit(List.of(new Unit(engine.newUnitId(), job, first, chunk.size(),
                        payload(kind, encoded, chunk, first))), first > 0);
            } catch (RuntimeException e) {
                engine.cancel(job, false);
                future.cancel(false);
                throw e;
            }
        }
        return future;
    }

    /** The payload of a unit of {@code items}, the first of which is item {@code first} of the input. */
    private static Frames.Payload payload(byte kind, TaskFunction function, List<?> items, long first) {
        if (kind != Frames.PAIRS) {
            return Frames.payload(kind, function, items, "item", first);
        }
        List<Object> arguments = new ArrayList<>(2 * items.size());
        for (Object item : items) {
            Map.Entry<?, ?> pair = (Map.Entry<?, ?>) item;
            arguments.add(pair.getKey());
            arguments.add(pair.getValue());
        }
        return Frames.payload(kind, function, arguments, "argument", 2 * first);
    }

    /**
     * {@code shutdownNow}: terminates the pool, and returns the tasks submitted on their own that no
     * worker had begun, as runnables: a {@code Runnable} as it was given, a callable as a runnable
     * that calls it here.
     */
    public List<Runnable> terminateNow() {
        List<Runnable> tasks = new ArrayList<>();
        for (Unit unit : engine.terminate()) {
            if (unit.job instanceof CallJob<?> call) {
                tasks.add(asRunnable(call.task));
            }
        }
        return tasks;
    }

    private static Runnable asRunnable(Object task) {
        if (task instanceof Runnable runnable) {
            return runnable;
        }
        return () -> {
            try {
                if (task instanceof java.util.concurrent.Callable<?> callable) {
                    callable.call();
                } else if (task instanceof org.multiprocessing4j.function.SerializableCallable<?> callable) {
                    callable.call();
                }
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        };
    }

    private static List<Object> read(Iterable<?> items) {
        List<Object> list = new ArrayList<>();
        for (Object item : items) {
            list.add(item);
        }
        return list;
    }

    private static void checkChunksize(int chunksize) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("Chunksize must be 1+, not " + chunksize);
        }
    }
}
