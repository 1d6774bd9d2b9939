package org.multiprocessing4j.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.multiprocessing4j.AbstractPool;
import org.multiprocessing4j.Pool;
import org.multiprocessing4j.ProcessPoolException;
import org.multiprocessing4j.cluster.internal.Chunk;
import org.multiprocessing4j.cluster.internal.ChunkIterator;
import org.multiprocessing4j.cluster.internal.ChunkOutcome;
import org.multiprocessing4j.cluster.internal.Dispatcher;
import org.multiprocessing4j.cluster.internal.ItemFunction;
import org.multiprocessing4j.cluster.internal.Signature;
import org.multiprocessing4j.function.SerializableBiFunction;
import org.multiprocessing4j.function.SerializableFunction;

/**
 * A {@link Pool} whose workers are the cluster's: the same calls ({@code map}, {@code imap},
 * {@code imapUnordered}, {@code apply}, {@code applyAsync}, {@code mapAsync}, {@code starmap}) and
 * the same {@link java.util.concurrent.ExecutorService} contract, the work run by the
 * {@link ClusterNode}s of a cluster, each in its own local pool of worker processes. This process
 * is a Hazelcast client: it runs no task itself.
 *
 * <p>Work travels in chunks, as a local pool's does: {@code map} cuts its items into four chunks
 * per worker of the cluster (Python's rule), {@code imap} into chunks of its {@code chunksize}
 * (default 1: pass a larger one for small items, as a network round trip costs a millisecond or
 * so). Each node holds two chunks per worker, one running and one ready (sixteen per worker for
 * single tasks, which a node's own pool batches); the rest waits here. Results come back in order
 * for {@code map} and {@code imap}, each exactly once.
 *
 * <p>Faults. An exception in a task, a worker that dies, a task timeout: as in a local pool (the
 * node's pool reports them). A member that leaves the cluster (its process killed, its machine
 * gone) is noticed by Hazelcast within seconds, and the chunks it held run again on other nodes:
 * <em>execution is at-least-once</em>, so a task may run twice, in part or in full, while its
 * result still appears once. Tasks that must not run twice go through {@link #atMostOnce()}, which
 * fails them with {@link MemberLostException} instead. If the cluster cannot be reached for the
 * {@linkplain ClusterConfig#connectTimeout() connect timeout}, or no node runs tasks for that long,
 * unfinished calls fail with {@link ClusterException}: nothing waits for ever.
 *
 * <p>Every node needs the application's classes on its class path (its workers deserialize the
 * functions and items), and every item and result must be {@link java.io.Serializable}.
 *
 * <pre>{@code
 * try (ClusterPool pool = ClusterPool.connect(config)) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }</pre>
 *
 * <p>Life: as {@link Pool}'s. {@link #close()} waits for the submitted work, then disconnects;
 * {@link #terminate()} cancels it (the nodes kill the workers running it) and disconnects at once.
 */
public final class ClusterPool extends AbstractPool {
    private final PoolConnection connection;
    private final boolean retry;

    private ClusterPool(PoolConnection connection, boolean retry) {
        this.connection = connection;
        this.retry = retry;
    }

    /**
     * Connects to the cluster {@code config} names, as a client that submits work.
     *
     * @param config the cluster's name, secret and member addresses
     * @return a pool over the cluster's nodes
     * @throws ClusterException if no member accepted this client within the connect timeout
     */
    public static ClusterPool connect(ClusterConfig config) {
        HazelcastInstance client = HazelcastSettings.newClient(config);
        Dispatcher dispatcher = new Dispatcher(client, new Signature(config.secret()), config.clusterName(),
                HazelcastSettings.WORKERS_ATTRIBUTE, config.connectTimeout().toMillis());
        return new ClusterPool(new PoolConnection(client, dispatcher), true);
    }

    /**
     * A view of this pool whose tasks are run at most once: a task whose member is lost fails with
     * {@link MemberLostException} instead of running again elsewhere. It shares this pool's
     * connection and life: shutting either down shuts down both.
     *
     * @return the view
     */
    public ClusterPool atMostOnce() {
        return retry ? new ClusterPool(connection, false) : this;
    }

    /**
     * The workers of the nodes in the cluster now: what {@code map} cuts its work by.
     *
     * @return their number; 0 while no node runs tasks
     */
    public int workers() {
        return connection.dispatcher().workers();
    }

    // ---- Python's calls ----

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<T, R> fn, Iterable<? extends T> items) {
        return mapChunks(new ItemFunction.Each(erase(fn)), items, 0);
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<T, R> fn, Iterable<? extends T> items,
            int chunksize) {
        return mapChunks(new ItemFunction.Each(erase(fn)), items, checkChunksize(chunksize));
    }

    @Override
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(SerializableBiFunction<A, B, R> fn,
            Iterable<? extends Map.Entry<A, B>> pairs) {
        return mapChunks(new ItemFunction.Pairs(erase(fn)), pairs, 0);
    }

    @Override
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(SerializableBiFunction<A, B, R> fn,
            Iterable<? extends Map.Entry<A, B>> pairs, int chunksize) {
        return mapChunks(new ItemFunction.Pairs(erase(fn)), pairs, checkChunksize(chunksize));
    }

    @Override
    public <T, R> Iterator<R> imap(SerializableFunction<T, R> fn, Iterable<? extends T> items, int chunksize) {
        return iterate(fn, items, chunksize, true);
    }

    @Override
    public <T, R> Iterator<R> imapUnordered(SerializableFunction<T, R> fn, Iterable<? extends T> items,
            int chunksize) {
        return iterate(fn, items, chunksize, false);
    }

    /**
     * Cancels every unfinished task (the nodes kill the workers running them) and disconnects:
     * Python's {@code terminate()}. Waiting calls throw {@link CancellationException}.
     */
    @Override
    public void terminate() {
        connection.terminate();
    }

    @Override
    protected <T> CompletableFuture<T> submitTask(Object task, Function<Object, T> adapt) {
        ItemFunction call = new ItemFunction.Call(task);
        CompletableFuture<ChunkOutcome> chunk = connection.send(Chunk.encode(call, Arrays.asList((Object) null), 0), 1,
                retry, call.loader(), task);
        CompletableFuture<T> result = new CompletableFuture<>();
        chunk.whenComplete((outcome, failure) -> {
            if (chunk.isCancelled()) {
                result.cancel(false);
            } else if (failure != null) {
                result.completeExceptionally(unwrap(failure));
            } else if (outcome.failures()[0] != null) {
                result.completeExceptionally(outcome.failures()[0]);
            } else {
                result.complete(adapt.apply(outcome.results()[0]));
            }
        });
        result.whenComplete((value, failure) -> {
            if (result.isCancelled()) {
                chunk.cancel(true);
            }
        });
        return result;
    }

    // ---- ExecutorService ----

    /** Python's {@code close()}: sends nothing new; once what was submitted is done, disconnects. */
    @Override
    public void shutdown() {
        connection.shutdown();
    }

    /**
     * Terminates the pool ({@link #terminate()}) and returns the tasks submitted on their own that
     * no node had begun: a {@code Runnable} as it was given, a callable as a runnable that calls it.
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> tasks = new ArrayList<>();
        for (Object task : connection.terminate()) {
            tasks.add(task instanceof Runnable runnable ? runnable : () -> {
                try {
                    new ItemFunction.Call(task).apply(null);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
        }
        return tasks;
    }

    @Override
    public boolean isShutdown() {
        return connection.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return connection.isTerminated();
    }

    /** Python's {@code join()}: waits until the pool has ended and disconnected. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return connection.awaitTermination(timeout, unit);
    }

    @Override
    public String toString() {
        return "<ClusterPool " + (retry ? "" : "at most once, ") + connection + ">";
    }

    // ---- chunks ----

    private <R> CompletableFuture<List<R>> mapChunks(ItemFunction function, Iterable<?> items, int chunksize) {
        connection.checkRunning();
        List<?> list = items instanceof List<?> given && given instanceof RandomAccess ? given
                : items instanceof Collection<?> collection ? new ArrayList<>(collection) : read(items);
        CompletableFuture<List<R>> result = new CompletableFuture<>();
        if (list.isEmpty()) {
            result.complete(new ArrayList<>());
            return result;
        }
        int size = chunksize > 0 ? chunksize : defaultChunksize(list.size(), Math.max(1, workers()));
        List<byte[]> chunks = new ArrayList<>();
        for (int first = 0; first < list.size(); first += size) {
            chunks.add(Chunk.encode(function, list.subList(first, Math.min(list.size(), first + size)), first));
        }
        Object[] results = new Object[list.size()];
        AtomicInteger remaining = new AtomicInteger(chunks.size());
        AtomicReference<ProcessPoolException> firstFailure = new AtomicReference<>();
        List<CompletableFuture<ChunkOutcome>> sent = new ArrayList<>();
        result.whenComplete((value, failure) -> {
            if (result.isCancelled()) {
                synchronized (sent) {
                    sent.forEach(chunk -> chunk.cancel(true));
                }
            }
        });
        try {
            for (int c = 0; c < chunks.size(); c++) {
                int first = c * size;
                int count = Math.min(size, list.size() - first);
                CompletableFuture<ChunkOutcome> chunk = connection.send(chunks.get(c), count, retry, function.loader(), null);
                synchronized (sent) {
                    sent.add(chunk);
                }
                chunk.whenComplete((outcome, failure) -> {
                    if (chunk.isCancelled()) {
                        result.cancel(false);
                        return;
                    }
                    ChunkOutcome done = failure != null ? ChunkOutcome.failed(count, unwrap(failure)) : outcome;
                    for (int i = 0; i < count; i++) {
                        Throwable itemFailure = done.failures()[i];
                        if (itemFailure != null) {
                            firstFailure.compareAndSet(null, new ProcessPoolException("item " + (first + i)
                                    + " failed: " + itemFailure, first + i, itemFailure));
                        } else {
                            results[first + i] = done.results()[i];
                        }
                    }
                    if (remaining.decrementAndGet() == 0) {
                        finish(result, results, firstFailure.get());
                    }
                });
            }
        } catch (RejectedExecutionException e) {
            result.cancel(false);
            throw e;
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static <R> void finish(CompletableFuture<List<R>> result, Object[] results, ProcessPoolException failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(new ArrayList<>((List<R>) Arrays.asList(results)));
        }
    }

    private <T, R> Iterator<R> iterate(SerializableFunction<T, R> fn, Iterable<? extends T> items, int chunksize,
            boolean ordered) {
        checkChunksize(chunksize);
        connection.checkRunning();
        ItemFunction function = new ItemFunction.Each(erase(fn));
        Chunk.encode(function, List.of(), 0); // the function alone: one that cannot be serialized fails here
        return new ChunkIterator<>(items.iterator(), function, chunksize, ordered,
                (chunk, count) -> connection.send(chunk, count, retry, function.loader(), null),
                () -> Math.max(2, 2 * workers()));
    }

    /** CPython's default chunk size for map: four chunks per worker, rounded up. */
    static int defaultChunksize(int items, int workers) {
        int chunks = 4 * workers;
        return Math.max(1, (items + chunks - 1) / chunks);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static int checkChunksize(int chunksize) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("Chunksize must be 1+, not " + chunksize);
        }
        return chunksize;
    }

    private static List<Object> read(Iterable<?> items) {
        List<Object> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    @SuppressWarnings("unchecked")
    private static SerializableFunction<Object, Object> erase(SerializableFunction<?, ?> fn) {
        return (SerializableFunction<Object, Object>) Objects.requireNonNull(fn, "fn");
    }

    @SuppressWarnings("unchecked")
    private static SerializableBiFunction<Object, Object, Object> erase(SerializableBiFunction<?, ?, ?> fn) {
        return (SerializableBiFunction<Object, Object, Object>) Objects.requireNonNull(fn, "fn");
    }
}
