package org.multiprocessing4j.internal.manager;

import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.multiprocessing4j.Barrier;
import org.multiprocessing4j.BoundedSemaphore;
import org.multiprocessing4j.Condition;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.Event;
import org.multiprocessing4j.JoinableQueue;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.ManagedValue;
import org.multiprocessing4j.Namespace;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.RLock;
import org.multiprocessing4j.Semaphore;
import org.multiprocessing4j.ShareableList;
import org.multiprocessing4j.SharedMemory;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.channel.ControlProtocol;
import org.multiprocessing4j.internal.channel.FrameChannel;
import org.multiprocessing4j.internal.channel.Handshake;
import org.multiprocessing4j.internal.shm.Liveness;
import org.multiprocessing4j.internal.shm.IdleCollection;
import org.multiprocessing4j.internal.wire.Codec;

/**
 * A manager's server, Python's {@code managers.Server}: the process that holds the shared objects
 * and runs the methods its clients call on them.
 *
 * <p>Each connection is served by a daemon thread of its own, which reads a call, runs it and
 * writes the reply, so a call that blocks (a queue's {@code take}) holds up only its own client.
 * Platform threads, not virtual ones: a thread that waits for a pipe's next call sleeps on a futex
 * in the kernel, which holds a virtual thread's carrier, and a few idle clients would hold them all. Connections come from a queue of pipe ends in shared memory
 * (clients on this machine), and, when the manager serves the network, from a TCP socket, after a
 * mutual HMAC challenge on the key ({@link Handshake}; the key never crosses the wire). A frame is
 * length-checked and checksummed before it is read, and its values are deserialized through the
 * library's {@code ObjectInputFilter}; a client that sends garbage or disconnects mid-call loses its
 * connection and nothing else. A channel's first message names the client's session, by which an
 * interrupt of the client's thread reaches the call it made ({@link ServedSession}).
 *
 * <p>Calls on a dict, list, namespace or value run under the object's monitor: each method, the
 * {@code ConcurrentMap} ones with their functions included, is atomic. Registered objects are called
 * as Python's are, from each client's thread at once, so they guard themselves. Locks, semaphores,
 * events, conditions, barriers and queues are this library's own, in shared memory, made here and
 * handed out: a client that dies holding a lock does not keep it, as with any {@link Lock}.
 * An object lives while some proxy of it does, as in Python: each proxy written counts one until
 * the proxy read from it is collected (see {@link ProxyHandler}). The shared-memory blocks it made
 * for clients (Python's SharedMemoryManager) are unlinked when it is asked to stop.
 */
public final class ManagerServer {
    /** The manager's operation that interrupts a session's call: a client's thread was interrupted in a call that may be. */
    static final String INTERRUPT = "interrupt";
    private static final java.util.concurrent.ThreadFactory CONNECTION_THREADS =
            Thread.ofPlatform().daemon().name("mp4j-manager-client-", 1).factory();

    private final String serverId;
    private final Map<Long, Served> objects = new ConcurrentHashMap<>();
    private final Map<String, Registration> registered = new ConcurrentHashMap<>();
    private final Map<Class<?>, Map<String, Method>> methods = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(Calls.MANAGER);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Calls begun so far, by which {@link #awaitStop} sees the server idle. */
    private final AtomicLong callsBegun = new AtomicLong();
    /** The channels being served, by the id their clients gave them. */
    private final Map<Long, ServedSession> sessions = new ConcurrentHashMap<>();
    /** The blocks made for clients, Python's SharedMemoryManager's: unlinked when the server stops. */
    private final List<SharedMemory> blocks = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * An object and the proxies that hold it: each proxy written (into a reply, a call, a queue,
     * a child's task) counts one for the process that will read it ({@link ProxyHandler}), and
     * gives it back when the proxy read is collected; the object goes at zero.
     */
    private record Served(Object target, Class<?> type, boolean guarded, java.util.concurrent.atomic.AtomicLong proxies) {}

    /** The servers running in this process, by id: a proxy of theirs written here counts itself without a call. */
    private static final Map<String, ManagerServer> RUNNING = new ConcurrentHashMap<>();

    private record Registration(Class<?> type, SerializableCallable<?> factory) {}

    private ManagerServer(String serverId) {
        this.serverId = serverId;
    }

    /**
     * Serves until a client asks it to stop: the body of a manager's server process.
     *
     * @param accept where clients on this machine put their pipe ends
     * @param tcp the address to listen on too, or null
     * @param key the key TCP clients must prove they hold (ignored without {@code tcp})
     * @param started where the server puts the TCP address it bound (or its serverId, without one) once it serves
     */
    public static void serve(String serverId, Queue<Connection> accept, InetSocketAddress tcp, byte[] key,
            Queue<Object> started) throws IOException, InterruptedException {
        ManagerServer server = new ManagerServer(serverId);
        RUNNING.put(serverId, server);
        ManagerAddress.Local local = new ManagerAddress.Local(serverId, accept, Liveness.selfPid(), Liveness.selfStartTime());
        Thread.ofPlatform().daemon().name("mp4j-manager-accept").start(() -> server.acceptLocal(local));
        if (tcp == null) {
            started.put(serverId);
        } else {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(tcp, 128);
            ManagerAddress.Remote remote = new ManagerAddress.Remote(serverId, (InetSocketAddress) listener.getLocalAddress(), key);
            Thread.ofPlatform().daemon().name("mp4j-manager-accept-tcp").start(() -> server.acceptTcp(listener, remote));
            started.put(remote.address());
        }
        try {
            server.awaitStop();
        } finally {
            RUNNING.remove(serverId);
        }
    }

    /**
     * Waits until a client asks the server to stop. Meanwhile, once calls have mapped shared memory
     * and then none has begun for {@link IdleCollection#IDLE_AFTER}, asks for a collection
     * ({@link IdleCollection}), as an idle pool worker does, so that a quiet server does not keep
     * the segments its objects let go of (a queue removed from a dict).
     */
    private void awaitStop() throws InterruptedException {
        IdleCollection idleCollection = new IdleCollection();
        long callsSeen = callsBegun.get();
        while (!stopped.await(IdleCollection.IDLE_AFTER.toNanos(), TimeUnit.NANOSECONDS)) {
            long calls = callsBegun.get();
            if (calls == callsSeen) {
                idleCollection.collectIfMappedSince();
            }
            callsSeen = calls;
        }
    }

    private void acceptLocal(ManagerAddress.Local self) {
        while (true) {
            try {
                Connection end = self.accept().take();
                CONNECTION_THREADS.newThread(() -> serveChannel(new Channel.OverPipe(end), self)).start();
            } catch (InterruptedException | RuntimeException e) {
                Log.warning("the manager stops taking clients on this machine: " + e);
                return;
            }
        }
    }

    private void acceptTcp(ServerSocketChannel listener, ManagerAddress.Remote self) {
        while (listener.isOpen()) {
            try {
                SocketChannel socket = listener.accept();
                CONNECTION_THREADS.newThread(() -> handshakeThenServe(socket, self)).start();
            } catch (IOException e) {
                Log.warning("the manager stops taking clients over TCP: " + e);
                return;
            }
        }
    }

    private void handshakeThenServe(SocketChannel socket, ManagerAddress.Remote self) {
        java.util.concurrent.atomic.AtomicBoolean proven = new java.util.concurrent.atomic.AtomicBoolean();
        // A peer that connects and says nothing must not keep a thread for ever.
        CompletableFuture.runAsync(() -> {
            if (!proven.get()) {
                closeQuietly(socket);
            }
        }, CompletableFuture.delayedExecutor(Channel.HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        try {
            Channel.tune(socket);
            Handshake.asServer(new FrameChannel(socket, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_HANDSHAKE_PAYLOAD),
                    self.key());
        } catch (IOException e) {
            Log.debug("refused a manager client " + e);
            closeQuietly(socket);
            return;
        }
        proven.set(true);
        serveChannel(Channel.OverSocket.of(socket), self);
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // gone already
        }
    }

    /** Reads calls and writes replies until the client goes; a broken or garbled channel ends only itself. */
    private void serveChannel(Channel channel, ManagerAddress self) {
        try (channel) {
            ServedSession session = new ServedSession(Calls.readSession(channel.receive()), Thread.currentThread());
            sessions.put(session.id, session);
            try {
                while (true) {
                    byte[] reply = handle(channel.receive(), self, session);
                    channel.send(reply);
                }
            } finally {
                sessions.remove(session.id, session);
            }
        } catch (EOFException e) {
            // the client closed its end, or died
        } catch (IOException | RuntimeException e) {
            Log.debug("dropped a manager client: " + e);
        }
    }

    private byte[] handle(byte[] message, ManagerAddress self, ServedSession session) {
        Object result;
        byte status = Calls.VALUE;
        callsBegun.incrementAndGet();
        session.begin();
        try {
            Calls.Call call;
            ManagerAddress decodingBefore = ManagerClient.decodingFrom(self);
            try {
                call = Calls.readCall(message);
            } finally {
                ManagerClient.doneDecoding(decodingBefore);
            }
            result = call.objectId() == Calls.MANAGER ? manage(call, self) : run(call, self);
        } catch (Throwable t) {
            status = Calls.THROWN;
            result = t;
        } finally {
            session.end();
        }
        ManagerAddress encodingBefore = ManagerClient.encodingFor(self);
        try {
            return encodeReply(status, result);
        } finally {
            ManagerClient.doneEncoding(encodingBefore);
        }
    }

    /**
     * The reply; a value or an exception that cannot be serialized becomes the exception that says
     * so, thrown in the caller. A reply is read once, by the client that called: the handles in it
     * are counted, not pinned, so that a server that hands out a queue it holds does not keep that
     * queue's file until it ends.
     */
    private static byte[] encodeReply(byte status, Object result) {
        try {
            return Calls.reply(status, Codec.encodeTaken(result,
                    status == Calls.VALUE ? "the result of a manager's method" : "an exception a manager's method threw"));
        } catch (IllegalArgumentException e) {
            return Calls.reply(Calls.THROWN, Codec.encode(e, "an exception"));
        }
    }

    private Object manage(Calls.Call call, ManagerAddress self) throws Exception {
        Object[] args = call.arguments();
        return switch (call.method()) {
            case "create" -> create((String) args[0], args[1], self);
            case "register" -> {
                registered.put((String) args[0], new Registration((Class<?>) args[1], (SerializableCallable<?>) args[2]));
                yield null;
            }
            case "serverId" -> serverId;
            case ProxyHandler.RETAIN -> {
                retain((Long) args[0]);
                yield null;
            }
            case ProxyHandler.RELEASE -> {
                release((Long) args[0]);
                yield null;
            }
            case "objectCount" -> objects.size();
            case INTERRUPT -> {
                ServedSession session = sessions.get((Long) args[0]);
                if (session != null) {
                    session.interrupt((Long) args[1]);
                }
                yield null;
            }
            case "shutdown" -> {
                unlinkBlocks();
                stopped.countDown();
                yield null;
            }
            default -> throw new UnsupportedOperationException("a manager does not " + call.method());
        };
    }

    private Object create(String typeid, Object argument, ManagerAddress self) throws Exception {
        return switch (typeid) {
            case "dict" -> serve(new ServedObjects.Dict<>(argument == null ? Map.of() : (Map<?, ?>) argument), ConcurrentMap.class, true, self);
            case "list" -> serve(new ArrayList<>(argument == null ? List.of() : (Collection<?>) argument), List.class, true, self);
            case "namespace" -> serve(new ServedObjects.NamespaceObject(), Namespace.class, true, self);
            case "value" -> serve(new ServedObjects.ValueObject<>(argument), ManagedValue.class, true, self);
            case "queue" -> new Queue<>((Integer) argument);
            case "joinableQueue" -> new JoinableQueue<>((Integer) argument);
            case "lock" -> new Lock();
            case "rlock" -> new RLock();
            case "semaphore" -> new Semaphore((Integer) argument);
            case "boundedSemaphore" -> new BoundedSemaphore((Integer) argument);
            case "event" -> new Event();
            case "condition" -> new Condition();
            case "barrier" -> new Barrier((Integer) argument);
            case "sharedMemory" -> kept(SharedMemory.create((Long) argument));
            case "shareableList" -> {
                ShareableList list = ShareableList.create((List<?>) argument);
                kept(list.shm());
                yield list;
            }
            default -> {
                Registration registration = registered.get(typeid);
                if (registration == null) {
                    throw new IllegalArgumentException("the manager knows no type '" + typeid + "'; register it first");
                }
                yield serve(registration.factory().call(), registration.type(), false, self);
            }
        };
    }

    /** The server of {@code serverId} if it runs in this process, else null. */
    static ManagerServer runningHere(String serverId) {
        return RUNNING.get(serverId);
    }

    /**
     * Counts one more proxy of object {@code id} on its way to some process.
     *
     * @throws IllegalStateException if the server no longer holds it
     */
    void retain(long id) {
        Served served = objects.get(id);
        if (served == null) {
            throw new IllegalStateException("the manager no longer holds object " + id);
        }
        served.proxies().incrementAndGet();
    }

    /**
     * Applies {@code action} to object {@code id} here, under its lock if calls on it take one, for
     * a proxy's method that runs on this server rather than calling it ({@link ProxyHandler}).
     *
     * @throws IllegalStateException if the server no longer holds it
     */
    <T> T onObject(long id, java.util.function.Function<Object, T> action) {
        Served served = objects.get(id);
        if (served == null) {
            throw new IllegalStateException("the manager no longer holds object " + id);
        }
        if (!served.guarded()) {
            return action.apply(served.target());
        }
        synchronized (served.target()) {
            return action.apply(served.target());
        }
    }

    /** Gives back a proxy of object {@code id}; the last one given back frees the object. */
    void release(long id) {
        Served served = objects.get(id);
        if (served != null && served.proxies().decrementAndGet() == 0) {
            objects.remove(id, served);
        }
    }

    private SharedMemory kept(SharedMemory block) {
        blocks.add(block);
        return block;
    }

    private void unlinkBlocks() {
        synchronized (blocks) {
            for (SharedMemory block : blocks) {
                try {
                    block.unlink();
                } catch (java.io.UncheckedIOException e) {
                    // a client unlinked it already
                }
            }
            blocks.clear();
        }
    }

    private Object serve(Object target, Class<?> type, boolean guarded, ManagerAddress self) {
        long id = ids.incrementAndGet();
        objects.put(id, new Served(target, type, guarded, new java.util.concurrent.atomic.AtomicLong()));
        return ProxyHandler.proxy(self, id, type);
    }

    private Object run(Calls.Call call, ManagerAddress self) throws Throwable {
        Served served = objects.get(call.objectId());
        if (served == null) {
            throw new IllegalStateException("the manager holds no object " + call.objectId());
        }
        Method method = methodsOf(served.type()).get(call.method());
        if (method == null) {
            throw new UnsupportedOperationException("a " + served.type().getName() + " on the manager exposes no method "
                    + call.method());
        }
        Object result;
        try {
            if (served.guarded()) {
                synchronized (served.target()) {
                    result = copyOfView(method.invoke(served.target(), call.arguments()));
                }
            } else {
                result = copyOfView(method.invoke(served.target(), call.arguments()));
            }
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return result == served.target() ? ProxyHandler.proxy(self, call.objectId(), served.type()) : result;
    }

    /**
     * The methods a type exposes, by {@link Calls#key}: those of its interface, and equals, hashCode
     * and toString. A registered interface need not be public, as a Python class need not be
     * anything: its methods are made accessible to this class where the interface's module allows
     * it (the class path's always does); where it does not, a call reports the IllegalAccessException.
     */
    private Map<String, Method> methodsOf(Class<?> type) {
        return methods.computeIfAbsent(type, t -> {
            Map<String, Method> byKey = new ConcurrentHashMap<>();
            for (Method m : t.getMethods()) {
                if (!java.lang.reflect.Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                    m.trySetAccessible();
                }
                byKey.putIfAbsent(Calls.key(m), m);
            }
            for (String name : List.of("equals", "hashCode", "toString")) {
                for (Method m : Object.class.getMethods()) {
                    if (m.getName().equals(name)) {
                        byKey.put(Calls.key(m), m);
                    }
                }
            }
            return byKey;
        });
    }

    /**
     * A copy of what a method returned if it is a view of the object (a map's key set, a sublist),
     * which cannot leave the server; the caller gets its contents, as Python's proxies return copies.
     * A set of entries is copied into an {@link EntriesCopy}, which hashes none of them (and is
     * read-only, as a copy's changes would reach nothing).
     */
    private static Object copyOfView(Object result) {
        return switch (result) {
            case Map.Entry<?, ?> entry when !(entry instanceof Serializable) ->
                    new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), entry.getValue());
            case Set<?> set when !(set instanceof Serializable) -> {
                List<Object> copy = new ArrayList<>(set.size());
                boolean allEntries = !set.isEmpty();
                for (Object element : set) {
                    Object copied = copyOfView(element);
                    allEntries &= copied instanceof Map.Entry<?, ?>;
                    copy.add(copied);
                }
                yield allEntries ? new EntriesCopy(copy) : new LinkedHashSet<>(copy);
            }
            case Collection<?> collection when !(collection instanceof Serializable) -> new ArrayList<>(collection);
            case null, default -> result;
        };
    }
}
