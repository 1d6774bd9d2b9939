package org.multiprocessing4j;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.multiprocessing4j.function.SerializableBiFunction;
import org.multiprocessing4j.function.SerializableFunction;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.pool.PoolCalls;
import org.multiprocessing4j.internal.pool.PoolEngine;
import org.multiprocessing4j.internal.shm.Deadline;

/**
 * A pool of worker processes, Python's {@code multiprocessing.Pool} and
 * {@code concurrent.futures.ProcessPoolExecutor} in one, and a {@link ExecutorService}.
 *
 * <p>The workers are long-lived child JVMs, daemon processes named {@code SpawnPoolWorker-N},
 * started when the pool is made. Tasks and results travel through shared-memory rings; small tasks
 * go to a worker in batches. A pool may be used from several threads at once.
 *
 * <p>Results: {@link #map}, {@link #starmap} and {@link #apply} block and throw
 * {@link ProcessPoolException}, whose cause is what the task threw (its class, message and stack
 * trace in the worker) and which names the failing item; the first failure to arrive is the one
 * thrown, once every chunk is done, as in Python. The asynchronous calls return
 * {@link CompletableFuture}s: Python's {@code callback} and {@code error_callback} are
 * {@code whenComplete}, and {@code get()} throws {@link ExecutionException} with the task's
 * exception as cause ({@code mapAsync}: the {@link ProcessPoolException}). Callbacks that are not
 * {@code ...Async} run on the pool's result thread, as Python's do: they must not block, and must not
 * wait for the same pool's results. A result or exception that cannot be serialized fails its task
 * with {@link MaybeEncodingException}; the worker goes on.
 *
 * <p>Beyond Python: a worker that dies ({@code System.exit}, a signal, a JVM crash, an
 * {@link OutOfMemoryError}) fails only the task or chunk it was running, with
 * {@link WorkerDiedException}, and a new worker takes its place; the tasks it had not begun go to
 * other workers. With a {@linkplain Builder#taskTimeout task timeout}, an item that runs longer has
 * its worker killed, fails with a {@link TimeoutException} cause, and a new worker takes its place.
 * Cancelling a future with {@code cancel(true)} kills the worker running it. A worker that cannot
 * start (its initializer throws, the JVM refuses its options) breaks the pool: every unfinished
 * task fails with a {@link WorkerDiedException} saying why, and the pool takes no more work.
 *
 * <p>Life: {@link #shutdown()} is Python's {@code close()}: no new work; the workers finish what was
 * submitted, then exit. {@link #awaitTermination} is Python's {@code join()}. {@link #terminate()}
 * kills the workers now; every unfinished task's future is cancelled. {@link #close()} is
 * {@link ExecutorService#close()}: it shuts down and <em>waits for the submitted work</em>, where
 * Python's {@code with Pool() as p:} terminates on exit; call {@link #terminate()} for that. New work
 * after shutdown is refused with {@link RejectedExecutionException}. When the program ends, its pools
 * are terminated, as Python's are at exit, and a pool that becomes unreachable without being shut
 * down is terminated too. Nothing is left behind in {@code /dev/shm} or {@code /tmp}.
 *
 * <pre>{@code
 * try (Pool pool = new Pool(4)) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 *     CompletableFuture<String> where = pool.applyAsync(() -> Multiprocessing.currentProcess().name());
 * }
 * }</pre>
 */
public class Pool extends AbstractPool {
    /** How often at most a {@link ProgressListener} is called, besides once at the end. */
    public static final Duration PROGRESS_INTERVAL = Duration.ofMillis(100);
    /** How long the threads waiting on a pool's results at the program's end wait on before they are cancelled. */
    private static final Duration EXIT_CANCEL_GRACE = Duration.ofSeconds(1);
    /** The engines of this process's pools, for the end of the program ({@link ProcessExit}). */
    private static final Set<PoolEngine> ENGINES =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private final PoolEngine engine;
    private final PoolCalls calls;

    /** A pool of {@link Multiprocessing#cpuCount()} workers. */
    public Pool() {
        this(new Builder());
    }

    /**
     * A pool of {@code processes} workers.
     *
     * @param processes how many workers
     * @throws IllegalArgumentException if {@code processes} is less than 1
     */
    public Pool(int processes) {
        this(new Builder().processes(processes));
    }

    private Pool(Builder builder) {
        Class<?> application = builder.classPathOf != null ? builder.classPathOf
                : Process.callerOutside(Pool.class, Builder.class, Context.class);
        List<String> jvmOptions = builder.jvmOptions;
        Context context = builder.context;
        PoolEngine.WorkerFactory factory = task -> {
            Process worker = context.newProcess(task);
            worker.setName(worker.name().replace("Process", "SpawnPoolWorker"));
            worker.setDaemon(true);
            worker.setJvmOptions(jvmOptions);
            return worker.setClassPathOf(application);
        };
        byte[] initializer = builder.initializer == null ? null
                : PoolEngine.encodeInitializer(builder.initializer, "the initializer of a Pool");
        this.engine = new PoolEngine(new PoolEngine.Settings(builder.processes, initializer,
                builder.maxTasksPerChild, builder.taskTimeout, factory));
        this.calls = new PoolCalls(engine, this);
        ENGINES.add(engine);
        PoolEngine unreachable = engine;
        Cleaning.CLEANER.register(this, () -> {
            if (!unreachable.isShutdown()) {
                unreachable.terminate();
            }
        });
    }

    /**
     * A builder of pools with other settings than the number of workers.
     *
     * @return a builder with Python's defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cleaner of unclosed pools, in a class of its own: it starts a thread, and every child
     * initializes {@code Pool} at its exit ({@link #terminateAll}), pools or not.
     */
    private static final class Cleaning {
        static final Cleaner CLEANER = Cleaner.create();
    }

    /** The settings of a pool: {@code Pool.builder().processes(4).maxTasksPerChild(100).build()}. */
    public static final class Builder {
        private int processes = Multiprocessing.cpuCount();
        private SerializableRunnable initializer;
        private int maxTasksPerChild;
        private Duration taskTimeout;
        private List<String> jvmOptions = List.of();
        private Context context = Multiprocessing.getContext();
        private Class<?> classPathOf;

        private Builder() {}

        /**
         * How many workers; the default is {@link Multiprocessing#cpuCount()}.
         *
         * @param processes the number of workers
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder processes(int processes) {
            if (processes < 1) {
                throw new IllegalArgumentException("Number of processes must be at least 1, not " + processes);
            }
            this.processes = processes;
            return this;
        }

        /**
         * What each worker runs once, before its first task; Python's {@code initializer} (capture
         * what would be its {@code initargs}). If it throws, the pool breaks: see {@link Pool}.
         *
         * @param initializer the initializer
         * @return this builder
         */
        public Builder initializer(SerializableRunnable initializer) {
            this.initializer = Objects.requireNonNull(initializer, "initializer");
            return this;
        }

        /**
         * How many tasks (or chunks of a map) a worker runs before a new worker takes its place;
         * Python's {@code maxtasksperchild}. The default is no limit.
         *
         * @param tasks the number of tasks
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder maxTasksPerChild(int tasks) {
            if (tasks < 1) {
                throw new IllegalArgumentException("maxTasksPerChild must be a positive number, not " + tasks);
            }
            this.maxTasksPerChild = tasks;
            return this;
        }

        /**
         * How long one task (one item of a map) may run: a task that runs longer has its worker
         * killed, within a fraction of the timeout, and fails with a {@link TimeoutException} cause.
         * The default is no limit.
         *
         * @param timeout the limit, positive, of any size
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder taskTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("taskTimeout must be positive, not " + timeout);
            }
            this.taskTimeout = timeout;
            return this;
        }

        /**
         * Extra options for the workers' JVMs, as {@link Process#setJvmOptions}: {@code -Xmx256m}.
         *
         * @param options the options, one per element
         * @return this builder
         */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /**
         * The context whose start method starts the workers; Python's {@code context}.
         *
         * @param context the context
         * @return this builder
         */
        public Builder context(Context context) {
            this.context = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * The workers get the class path of {@code application}'s loader, as
         * {@link Process#setClassPathOf}: for a library that makes a pool for an application. By
         * default they get that of the class that builds the pool.
         *
         * @param application a class of the application whose functions the pool runs
         * @return this builder
         */
        public Builder classPathOf(Class<?> application) {
            this.classPathOf = Objects.requireNonNull(application, "application");
            return this;
        }

        /**
         * Starts the pool's workers.
         *
         * @return the pool
         * @throws IllegalArgumentException if the initializer cannot be serialized, naming its class
         * @throws IllegalStateException from a daemon process, which may have no children
         */
        public Pool build() {
            return new Pool(this);
        }
    }

    /**
     * The number of workers, Python's {@code len(pool._pool)}.
     *
     * @return how many workers the pool keeps
     */
    public int processes() {
        return engine.processes();
    }

    /**
     * At the end of the program: terminates every pool, as Python's pool finalizers do at exit,
     * leaving the threads that wait on their results waiting ({@link PoolEngine#terminateAtExit}),
     * so that a program ended by SIGTERM or Ctrl-C during a {@code map} ends without a
     * {@link CancellationException} from its main thread on its standard error.
     */
    static void terminateAll() {
        List<PoolEngine> engines;
        synchronized (ENGINES) {
            engines = new ArrayList<>(ENGINES);
        }
        PoolEngine.terminateAtExit(engines, EXIT_CANCEL_GRACE);
    }

    // ---- Python's calls ----

    /**
     * As {@link #map(SerializableFunction, Iterable)}, telling {@code progress} how far it has come.
     *
     * @param fn the function
     * @param items the items
     * @param progress told items done of the total, at most every {@link #PROGRESS_INTERVAL}
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, in the order of the items
     */
    public <T, R> List<R> map(SerializableFunction<T, R> fn, Iterable<? extends T> items, ProgressListener progress) {
        return await(calls.map(fn, items, 0, Objects.requireNonNull(progress, "progress")));
    }

    /**
     * As {@link #map(SerializableFunction, Iterable, int)}, telling {@code progress} how far it has come.
     *
     * @param fn the function
     * @param items the items
     * @param chunksize items a worker takes at once, at least 1
     * @param progress told items done of the total, at most every {@link #PROGRESS_INTERVAL}
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, in the order of the items
     */
    public <T, R> List<R> map(SerializableFunction<T, R> fn, Iterable<? extends T> items, int chunksize,
            ProgressListener progress) {
        return await(calls.map(fn, items, chunksize, Objects.requireNonNull(progress, "progress")));
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<T, R> fn, Iterable<? extends T> items) {
        return calls.map(fn, items, 0, null);
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<T, R> fn, Iterable<? extends T> items,
            int chunksize) {
        return calls.map(fn, items, chunksize, null);
    }

    @Override
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(SerializableBiFunction<A, B, R> fn,
            Iterable<? extends Map.Entry<A, B>> pairs) {
        return calls.starmap(fn, pairs, 0, null);
    }

    @Override
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(SerializableBiFunction<A, B, R> fn,
            Iterable<? extends Map.Entry<A, B>> pairs, int chunksize) {
        return calls.starmap(fn, pairs, chunksize, null);
    }

    @Override
    public <T, R> Iterator<R> imap(SerializableFunction<T, R> fn, Iterable<? extends T> items, int chunksize) {
        return calls.imap(fn, items, chunksize, true, null);
    }

    /**
     * As {@link #imap(SerializableFunction, Iterable, int)}, telling {@code progress} how far it has
     * come; its total is -1 until the input is read to its end, unless the items are a
     * {@link Collection}.
     *
     * @param fn the function
     * @param items the items
     * @param chunksize items a worker takes at once, at least 1
     * @param progress told items done of the total, at most every {@link #PROGRESS_INTERVAL}
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, in the order of the items
     */
    public <T, R> Iterator<R> imap(SerializableFunction<T, R> fn, Iterable<? extends T> items, int chunksize,
            ProgressListener progress) {
        return calls.imap(fn, items, chunksize, true, Objects.requireNonNull(progress, "progress"));
    }

    @Override
    public <T, R> Iterator<R> imapUnordered(SerializableFunction<T, R> fn, Iterable<? extends T> items,
            int chunksize) {
        return calls.imap(fn, items, chunksize, false, null);
    }

    /**
     * Kills the workers now, Python's {@code terminate()}: every unfinished task's future is
     * cancelled, and waiting calls throw {@link CancellationException}. Returns once the workers
     * are gone and the pool's shared memory is freed.
     */
    @Override
    public void terminate() {
        engine.terminate();
    }

    @Override
    protected <T> CompletableFuture<T> submitTask(Object task, Function<Object, T> adapt) {
        return calls.call(task, adapt);
    }

    /** Python's {@code close()}: takes no new work; the workers finish what was submitted, then exit. */
    @Override
    public void shutdown() {
        engine.shutdown();
    }

    /**
     * Terminates the pool ({@link #terminate()}) and returns the tasks submitted on their own
     * ({@code execute}, {@code submit}, {@code applyAsync}, {@code invokeAll}) that no worker had begun;
     * their futures are cancelled. A {@code Runnable} is returned as it was given; a callable as a
     * runnable that calls it.
     */
    @Override
    public List<Runnable> shutdownNow() {
        return calls.terminateNow();
    }

    @Override
    public boolean isShutdown() {
        return engine.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return engine.isTerminated();
    }

    /**
     * Python's {@code join()}: waits until the pool has terminated: after {@link #shutdown()}, once
     * the submitted work is done and the workers have exited; after {@link #terminate()}, at once.
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return engine.awaitTermination(Deadline.after(timeout, unit).remainingNanos());
    }

    @Override
    public String toString() {
        return "<Pool " + engine.describeState() + ">";
    }

}
