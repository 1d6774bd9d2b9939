package org.multiprocessing4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.manager.Calls;
import org.multiprocessing4j.internal.manager.ManagerAddress;
import org.multiprocessing4j.internal.manager.ManagerClient;
import org.multiprocessing4j.internal.manager.ManagerServer;
import org.multiprocessing4j.internal.shm.Liveness;
import org.multiprocessing4j.internal.sys.RandomBytes;

/**
 * A manager, Python's {@code multiprocessing.Manager()} ({@code SyncManager}): a server process
 * that holds shared objects, and proxies to them that any process may use.
 *
 * <pre>{@code
 * try (Manager m = Manager.start()) {
 *     Map<String, Integer> d = m.dict();
 *     List<String> l = m.list();
 *     Process p = new Process(() -> { d.put("answer", 42); l.add("from a child"); });
 *     p.start();
 *     p.join();
 * }
 * }</pre>
 *
 * <p><b>Proxies.</b> {@link #dict()} is a {@link ConcurrentMap} and {@link #list()} a {@link List}
 * whose methods run on the server; {@code putIfAbsent}, {@code compute}, {@code merge} and the other
 * {@code ConcurrentMap} methods are atomic there (their functions must be serializable lambdas).
 * What a method returns is a copy, as in Python: {@code d.get("k").add(2)} changes the copy only.
 * But {@code keySet()}, {@code values()}, {@code entrySet()} and {@code subList} are views backed by
 * the object on the server, as a Map's and a List's are: removing through them, or an entry's
 * {@code setValue}, changes it; a map view's iterator reads the entries once, in one call, and a
 * list's iterators read the list on the server at each step. Proxies are {@link java.io.Serializable}:
 * give them to a child, put them in a queue, or store them in another proxy (a dict of lists), and
 * they reach the same object. {@link #namespace()}, {@link #value} and {@link #register registered}
 * types are proxies too. Each thread of a process talks to the server on a connection of its own, as
 * Python's proxies do.
 *
 * <p><b>Synchronization and queues.</b> {@link #lock()}, {@link #rlock()}, {@link #semaphore},
 * {@link #boundedSemaphore}, {@link #event()}, {@link #condition()}, {@link #barrier} and the queues are
 * this library's own shared-memory ones, made by the server and living as long as it does: a process
 * that dies holding the lock does not keep it (see {@link Lock}). They are this machine's memory, so
 * processes on other machines use the manager's dicts, lists, namespaces, values and registered types.
 *
 * <p><b>Across machines.</b> {@link #serve} starts a manager that also listens on a TCP address, and
 * {@link #connect} reaches one from anywhere. Both sides prove they hold the key with an HMAC
 * challenge; the key never crosses the network, and a wrong key is refused with
 * {@link AuthenticationException}.
 *
 * <p><b>The server's JVM.</b> Started by {@link StartMethod#SPAWN}, the server compiles with C1
 * alone ({@code -XX:TieredStopAtLevel=1}, before the options given to {@link Builder#jvmOptions},
 * which may undo it with {@code -XX:TieredStopAtLevel=4}): its work is the library's dispatch of
 * small calls, and C2 compiling it while the first clients call competes with them for the
 * machine. Measured on two cores: a new child's first 40,000 calls on a new manager's dict took
 * 13.3-14.6 us a call against 16.1-19.1 with C2, and a warm server answers about a microsecond
 * later (2.4-3.4 us a call from the process that started it, against 1.5-1.8). A server that runs
 * heavy methods of {@link #register registered} types may want C2 back. Under
 * {@link StartMethod#PRESPAWN} the server is a spare JVM, already running with the JVM's defaults.
 *
 * <p><b>Faults.</b> A call whose server is gone throws {@link ManagerException} within a bounded
 * time (at once when its process dies; within about 8 s when its machine or the network goes). A
 * client that dies or disconnects mid-call, or sends garbage, loses its own connection only.
 */
public final class Manager implements AutoCloseable {
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);
    private static final Duration LOOK = Duration.ofMillis(100);
    /** What a spawned server's JVM gets before the user's options: see the class comment, "The server's JVM". */
    static final List<String> SERVER_DEFAULT_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    private final ManagerAddress address;
    /** The server this manager started, or null if it connected to one. */
    private final Process server;
    /** Where it listens for TCP clients, or null. */
    private final InetSocketAddress listening;
    /** The queue the server reported its start through, or null: freed when it has ended. */
    private final Queue<Object> started;

    private Manager(ManagerAddress address, Process server, InetSocketAddress listening, Queue<Object> started) {
        this.address = address;
        this.server = server;
        this.listening = listening;
        this.started = started;
    }

    /**
     * Starts a manager's server process for this machine, Python's {@code Manager()}: a daemon child,
     * ended by {@link #shutdown()} or {@link #close()}, and at the latest with this program. It is
     * started with the default context's start method; {@link #builder()} chooses another, the
     * server's JVM options, and an initializer.
     *
     * <p>Blocks until the server serves, which takes about as long as a child's start. A thread
     * interrupted before or during that wait gets a {@link ManagerException} whose cause is the
     * {@link InterruptedException}, with its interrupt status kept, and the server is killed: no
     * server is left that nobody holds.
     *
     * @return the manager, started
     * @throws ManagerException if the server process could not start, or the thread was interrupted
     */
    public static Manager start() {
        return builder().start();
    }

    /**
     * Starts a manager's server process that also listens on {@code address}, for clients on other
     * machines ({@link #connect}), Python's {@code BaseManager(address, authkey).start()}.
     *
     * @param address where to listen; port 0 picks a free port, which {@link #address()} then tells
     * @param authkey the key clients must hold
     * @return the manager, started and listening
     * @throws ManagerException if the server process could not start or bind the address, or the
     *     thread was interrupted, as for {@link #start()}
     * @throws IllegalArgumentException if the key is empty
     */
    public static Manager serve(InetSocketAddress address, byte[] authkey) {
        return builder().serve(address, authkey);
    }

    /**
     * A builder of managers whose server is started otherwise than by default:
     * {@code Manager.builder().context(Multiprocessing.getContext(StartMethod.PRESPAWN)).start()}.
     *
     * @return a builder with Python's defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * How a manager's server process is started; Python's {@code BaseManager(ctx=...)} and
     * {@code start(initializer, initargs)}, with the server's JVM options besides.
     */
    public static final class Builder {
        private Context context = Multiprocessing.getContext();
        private List<String> jvmOptions = List.of();
        private SerializableRunnable initializer;
        private Class<?> classPathOf;

        private Builder() {}

        /**
         * The context whose start method starts the server; Python's {@code ctx}. Under
         * {@link StartMethod#PRESPAWN} a spare JVM becomes the server, so {@code start()} does not
         * wait for a JVM to start.
         *
         * @param context the context
         * @return this builder
         */
        public Builder context(Context context) {
            this.context = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Extra options for the server's JVM, as {@link Process#setJvmOptions}: {@code -Xmx2g} for a
         * server that holds much, {@code -XX:TieredStopAtLevel=4} for one whose registered types
         * compute much (a spawned server compiles with C1 alone otherwise: see "The server's JVM" in
         * the class comment).
         *
         * @param options the options, one per element
         * @return this builder
         */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /**
         * What the server process runs once before it serves; Python's {@code initializer} (capture
         * what would be its {@code initargs}). If it throws, {@code start()} throws.
         *
         * @param initializer the initializer, serializable
         * @return this builder
         */
        public Builder initializer(SerializableRunnable initializer) {
            this.initializer = Objects.requireNonNull(initializer, "initializer");
            return this;
        }

        /**
         * The server gets the class path of {@code application}'s loader, as
         * {@link Process#setClassPathOf}: it reads the values clients store, and makes the objects
         * of registered types. By default it gets that of the class that starts the manager.
         *
         * @param application a class of the application whose objects the manager holds
         * @return this builder
         */
        public Builder classPathOf(Class<?> application) {
            this.classPathOf = Objects.requireNonNull(application, "application");
            return this;
        }

        /**
         * Starts the server for this machine, as {@link Manager#start()}.
         *
         * @return the manager, started
         * @throws ManagerException if the server process could not start, or its initializer threw
         *     (the initializer's exception is the cause)
         * @throws IllegalArgumentException if the initializer cannot be serialized, naming its class
         */
        public Manager start() {
            return launch(this, null, null);
        }

        /**
         * Starts the server listening on {@code address} too, as {@link Manager#serve}.
         *
         * @param address where to listen; port 0 picks a free port, which {@link #address()} then tells
         * @param authkey the key clients must hold
         * @return the manager, started and listening
         * @throws ManagerException if the server process could not start or bind the address, or its
         *     initializer threw (the initializer's exception is the cause)
         * @throws IllegalArgumentException if the key is empty, or the initializer cannot be serialized
         */
        public Manager serve(InetSocketAddress address, byte[] authkey) {
            Objects.requireNonNull(address, "address");
            return launch(this, address, checkedKey(authkey));
        }
    }

    /**
     * Connects to a manager that serves on {@code address}, Python's {@code BaseManager.connect()}.
     *
     * @param address where it listens
     * @param authkey its key
     * @return a manager whose objects live on that server; {@link #close()} does not stop it
     * @throws AuthenticationException if the server refused the key ({@code "digest sent was
     *     rejected"}), or did not prove it holds it
     * @throws java.io.InterruptedIOException if the thread is interrupted before or while it
     *     connects; its interrupt status stays set
     * @throws java.net.SocketTimeoutException if no connection was made and proven within 10
     *     seconds: an address that drops packets, or a port where something else listens
     * @throws IOException if the address cannot be reached
     */
    public static Manager connect(InetSocketAddress address, byte[] authkey) throws IOException {
        Objects.requireNonNull(address, "address");
        ManagerAddress.Remote unnamed = new ManagerAddress.Remote("", address, checkedKey(authkey));
        String serverId = ManagerClient.askServerId(unnamed);
        return new Manager(new ManagerAddress.Remote(serverId, address, authkey), null, null, null);
    }

    private static byte[] checkedKey(byte[] authkey) {
        Objects.requireNonNull(authkey, "authkey");
        if (authkey.length == 0) {
            throw new IllegalArgumentException("a manager's key must not be empty");
        }
        return authkey.clone();
    }

    /**
     * The server's JVM options: under SPAWN, {@link #SERVER_DEFAULT_OPTIONS} before the user's (a
     * later option wins); under PRESPAWN the user's alone, as a spare of other options would not
     * be the running one the start method promises.
     */
    static List<String> serverOptions(Context context, List<String> given) {
        if (context.startMethod() != StartMethod.SPAWN) {
            return given;
        }
        List<String> options = new ArrayList<>(SERVER_DEFAULT_OPTIONS);
        options.addAll(given);
        return options;
    }

    private static Manager launch(Builder settings, InetSocketAddress tcp, byte[] key) {
        // The server reads the values its clients store, so it loads classes as the program that made it does.
        Class<?> application = settings.classPathOf != null ? settings.classPathOf
                : Process.callerOutside(Manager.class, Builder.class, Context.class);
        String serverId = RandomBytes.hex(8);
        Queue<Connection> accept = new Queue<>();
        Queue<Object> started = new Queue<>();
        SerializableRunnable initializer = settings.initializer;
        Process server = settings.context.newProcess(() -> {
            if (initializer != null && !initialized(initializer, started)) {
                return;
            }
            ManagerServer.serve(serverId, accept, tcp, key, started);
        }, "SyncManager");
        server.setDaemon(true);
        server.setJvmOptions(serverOptions(settings.context, settings.jvmOptions));
        server.setClassPathOf(application).start();
        Object report;
        boolean serving = false;
        try {
            while ((report = started.poll(LOOK.toMillis(), TimeUnit.MILLISECONDS)) == null) {
                if (!server.isAlive()) {
                    throw new ManagerException("the manager's server process ended with exit code "
                            + server.exitCode().orElse(0) + " before it served", null);
                }
            }
            if (report instanceof InitializerFailed failed) {
                if (!server.join(SHUTDOWN_GRACE)) {
                    server.kill();
                }
                throw new ManagerException("the manager's initializer threw " + failed.thrown(), failed.thrown());
            }
            serving = true;
        } catch (InterruptedException e) {
            server.kill();
            Thread.currentThread().interrupt();
            throw new ManagerException("interrupted while the manager's server started", e);
        } finally {
            if (!serving) { // the server ended or was killed: nobody else will use its queues
                started.retire();
                accept.retire();
            }
        }
        long pid = server.pid().orElseThrow();
        ManagerAddress.Local local = new ManagerAddress.Local(serverId, accept, pid, Liveness.startTime(pid));
        return new Manager(local, server, report instanceof InetSocketAddress bound ? bound : null, started);
    }

    /**
     * What a server whose initializer threw reports instead of its address, and then ends. A class,
     * not a record, as every type of the library that goes by Java serialization (docs/DESIGN.md,
     * "Start-up cost").
     */
    private static final class InitializerFailed implements java.io.Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final Throwable thrown;

        InitializerFailed(Throwable thrown) {
            this.thrown = thrown;
        }

        Throwable thrown() {
            return thrown;
        }
    }

    /**
     * Runs the initializer in the server process; if it throws, reports that to the starter and
     * returns false, so the server ends without serving.
     */
    private static boolean initialized(SerializableRunnable initializer, Queue<Object> started)
            throws InterruptedException {
        try {
            initializer.run();
            return true;
        } catch (Exception | Error e) {
            started.put(new InitializerFailed(e));
            return false;
        }
    }

    /**
     * The TCP address the server listens on, with the port it picked if it was given 0; for a manager
     * made by {@link #connect}, the address it reached.
     *
     * @return the address
     * @throws IllegalStateException if the manager serves this machine only ({@link #start()})
     */
    public InetSocketAddress address() {
        if (address instanceof ManagerAddress.Remote remote) {
            return remote.address();
        }
        if (listening == null) {
            throw new IllegalStateException("a manager made by Manager.start() listens on no network address; use Manager.serve");
        }
        return listening;
    }

    /**
     * A new, empty shared map, Python's {@code Manager().dict()}.
     *
     * @param <K> its keys' type
     * @param <V> its values' type
     * @return its proxy
     */
    public <K, V> ConcurrentMap<K, V> dict() {
        return dict(Map.of());
    }

    /**
     * A new shared map holding a copy of {@code initial}.
     *
     * @param initial its first entries, serializable
     * @param <K> its keys' type
     * @param <V> its values' type
     * @return its proxy
     */
    @SuppressWarnings("unchecked")
    public <K, V> ConcurrentMap<K, V> dict(Map<? extends K, ? extends V> initial) {
        // An empty one goes as null: a fresh server would read a HashMap by Java serialization,
        // whose first use costs it 20-30 ms.
        return (ConcurrentMap<K, V>) make("dict", initial.isEmpty() ? null : new java.util.HashMap<>(initial));
    }

    /**
     * A new, empty shared list, Python's {@code Manager().list()}.
     *
     * @param <E> its elements' type
     * @return its proxy
     */
    public <E> List<E> list() {
        return list(List.of());
    }

    /**
     * A new shared list holding a copy of {@code initial}.
     *
     * @param initial its first elements, serializable
     * @param <E> its elements' type
     * @return its proxy
     */
    @SuppressWarnings("unchecked")
    public <E> List<E> list(Collection<? extends E> initial) {
        return (List<E>) make("list", initial.isEmpty() ? null : new java.util.ArrayList<>(initial)); // as dict()
    }

    /**
     * A new, empty namespace, Python's {@code Manager().Namespace()}.
     *
     * @return its proxy
     */
    public Namespace namespace() {
        return (Namespace) make("namespace", null);
    }

    /**
     * A new shared value, Python's {@code Manager().Value(typecode, value)}.
     *
     * @param initial its value, serializable
     * @param <T> its type
     * @return its proxy
     */
    @SuppressWarnings("unchecked")
    public <T> ManagedValue<T> value(T initial) {
        return (ManagedValue<T>) make("value", initial);
    }

    /**
     * A new unbounded queue made by the server, Python's {@code Manager().Queue()}.
     *
     * @param <E> its items' type
     * @return the queue
     */
    public <E> Queue<E> queue() {
        return queue(0);
    }

    /**
     * A new queue of at most {@code maxsize} items (unbounded if not positive).
     *
     * @param maxsize the most items it holds
     * @param <E> its items' type
     * @return the queue
     */
    @SuppressWarnings("unchecked")
    public <E> Queue<E> queue(int maxsize) {
        return (Queue<E>) make("queue", maxsize);
    }

    /**
     * A new unbounded joinable queue, Python's {@code Manager().JoinableQueue()}.
     *
     * @param <E> its items' type
     * @return the queue
     */
    @SuppressWarnings("unchecked")
    public <E> JoinableQueue<E> joinableQueue() {
        return (JoinableQueue<E>) make("joinableQueue", 0);
    }

    /**
     * A new lock, Python's {@code Manager().Lock()}.
     *
     * @return the lock
     */
    public Lock lock() {
        return (Lock) make("lock", null);
    }

    /**
     * A new reentrant lock, Python's {@code Manager().RLock()}.
     *
     * @return the lock
     */
    public RLock rlock() {
        return (RLock) make("rlock", null);
    }

    /**
     * A new semaphore, Python's {@code Manager().Semaphore(value)}.
     *
     * @param value its permits
     * @return the semaphore
     */
    public Semaphore semaphore(int value) {
        return (Semaphore) make("semaphore", value);
    }

    /**
     * A new bounded semaphore, Python's {@code Manager().BoundedSemaphore(value)}.
     *
     * @param value its permits, and its bound
     * @return the semaphore
     */
    public BoundedSemaphore boundedSemaphore(int value) {
        return (BoundedSemaphore) make("boundedSemaphore", value);
    }

    /**
     * A new event, Python's {@code Manager().Event()}.
     *
     * @return the event
     */
    public Event event() {
        return (Event) make("event", null);
    }

    /**
     * A new condition with a lock of its own, Python's {@code Manager().Condition()}.
     *
     * @return the condition
     */
    public Condition condition() {
        return (Condition) make("condition", null);
    }

    /**
     * A new barrier, Python's {@code Manager().Barrier(parties)}.
     *
     * @param parties how many must wait before all go on
     * @return the barrier
     */
    public Barrier barrier(int parties) {
        return (Barrier) make("barrier", parties);
    }

    /**
     * A new shared-memory block made by the server, Python's {@code SharedMemoryManager.SharedMemory(size)}:
     * {@link #shutdown()} unlinks it, with every other block and list the server made.
     *
     * @param size its size in bytes
     * @return a handle to it, mapped into this process
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public SharedMemory sharedMemory(long size) {
        return (SharedMemory) make("sharedMemory", size);
    }

    /**
     * A new {@link ShareableList} made by the server, Python's {@code SharedMemoryManager.ShareableList(sequence)}:
     * {@link #shutdown()} unlinks it.
     *
     * @param items its values, in order
     * @return the list, mapped into this process
     * @throws IllegalArgumentException naming the first item of a type no slot holds
     */
    public ShareableList shareableList(List<?> items) {
        return (ShareableList) make("shareableList", new java.util.ArrayList<>(items));
    }

    /**
     * Teaches the server a type of the user's, Python's {@code BaseManager.register(typeid, callable)}:
     * {@link #create} then makes an object with {@code factory} on the server, and returns a proxy
     * that exposes the methods of {@code type}, an interface. The server calls those methods from
     * each client's thread at once, as Python's does, so the object guards its own state. The
     * interface and the factory's class must be on the server's class path; the interface need not
     * be public (if it is in a named module, that module must open its package). A method of
     * {@code type} that declares {@link InterruptedException} is interruptible: interrupting the
     * thread that calls it interrupts the server's thread that runs it; a proxy's other methods
     * wait for their reply and keep the caller's interrupt status.
     *
     * @param typeid the name {@link #create} takes
     * @param type the interface the proxy implements
     * @param factory makes the object, on the server
     * @param <T> the interface
     * @throws IllegalArgumentException if {@code type} is not an interface
     */
    public <T> void register(String typeid, Class<T> type, SerializableCallable<? extends T> factory) {
        Objects.requireNonNull(typeid, "typeid");
        Objects.requireNonNull(factory, "factory");
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface: a proxy exposes the methods of an interface");
        }
        callManager("register", typeid, type, factory);
    }

    /**
     * A new object of a {@link #register registered} type, made on the server.
     *
     * @param typeid the name it was registered under
     * @param type the interface it was registered with
     * @param <T> the interface
     * @return its proxy
     * @throws IllegalArgumentException if no type is registered under {@code typeid}
     */
    public <T> T create(String typeid, Class<T> type) {
        return type.cast(make(typeid, null));
    }

    private Object make(String typeid, Object argument) {
        return callManager("create", typeid, argument);
    }

    private Object callManager(String operation, Object... arguments) {
        try {
            return ManagerClient.of(address).call(Calls.MANAGER, operation, arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ManagerException("the manager could not " + operation + ": " + t, t);
        }
    }

    /**
     * Stops the server this manager started, Python's {@code shutdown()}: it is asked to stop, then
     * terminated if it has not within a second, then killed. Its objects are gone; their proxies throw
     * {@link ManagerException}. Does nothing for a manager made by {@link #connect}, or twice.
     *
     * @throws InterruptedException if interrupted while waiting for the server to end
     */
    public void shutdown() throws InterruptedException {
        if (server == null) {
            return;
        }
        if (server.isAlive()) {
            try {
                callManager("shutdown");
            } catch (ManagerException e) {
                // gone already
            }
            if (!server.join(SHUTDOWN_GRACE)) {
                server.terminate();
                if (!server.join(SHUTDOWN_GRACE)) {
                    server.kill();
                    server.join();
                }
            }
        }
        // Nobody takes a connection from the server's queue, or reads its report, once it has ended.
        ManagerClient.closeAll(address);
        ((ManagerAddress.Local) address).accept().retire();
        started.retire();
    }

    /**
     * {@link #shutdown()}, for try-with-resources, as Python's {@code with Manager() as m:}. For a
     * manager made by {@link #connect}, closes this process's connections to the server, which
     * goes on serving; a proxy used later connects again.
     */
    @Override
    public void close() {
        try {
            shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server == null) {
            ManagerClient.closeAll(address);
        }
    }

    /** How many objects the server holds: for tests of their lifetime. */
    int objectCount() {
        return (Integer) callManager("objectCount");
    }

    /** The server process this manager started, or null: for tests that kill it. */
    Process serverProcess() {
        return server;
    }

    @Override
    public String toString() {
        return "Manager(" + (server != null ? "server " + server.pid().orElse(-1) : address) + ")";
    }
}
