package org.multiprocessing4j.internal.manager;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.ManagedValue;
import org.multiprocessing4j.ManagerException;
import org.multiprocessing4j.Namespace;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.internal.wire.CompactForms;

/**
 * What a proxy does with a call: sends it to the object {@link #objectId} on the manager's server,
 * and returns or throws what the method did there. Serializable as (address, id, interface), so a
 * proxy sent to another process, or stored in another of the manager's objects, reaches the same
 * object.
 *
 * <p>Which calls stay here: {@code equals} with another proxy of the same object (with a proxy of
 * another list or map, the server compares its contents, copied here first), and the default
 * methods of the interface ({@code forEach}, {@code stream}, {@code removeIf}, ...), which run here
 * over its remote abstract methods; except the defaults of {@code Map} and {@code ConcurrentMap} that
 * must be atomic ({@link #ATOMIC_DEFAULTS}), which run on the server under the object's lock. A
 * list's iterators are here too, and live: each step reads the list on the server, as Python's do;
 * and a map's or a list's views ({@link ProxyViews}), which the server cannot hand out.
 * A {@link Namespace}'s names that begin with {@code _} stay on the proxy, as in Python.
 *
 * <p>The proxies of a dict, list, namespace or value are this library's own classes
 * ({@link BuiltInProxy}); a registered interface gets a {@link Proxy}. The former have a compact
 * form ({@link CompactForms}) when their server is on this machine: a child whose task holds one
 * reads it without {@code ObjectInputStream}, whose first use costs a fresh JVM some 35 ms. Others
 * (a registered interface, which the library's loader may not see; a server reached by TCP, whose
 * key travels with care) go by Java serialization.
 */
public final class ProxyHandler implements InvocationHandler, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Set<String> ATOMIC_DEFAULTS = Set.of("getOrDefault", "putIfAbsent", "remove", "replace",
            "replaceAll", "computeIfAbsent", "computeIfPresent", "compute", "merge");
    private static final Map<Method, Remote> REMOTES = new ConcurrentHashMap<>();
    /** {@link Calls#key} of {@code Map.entrySet()}. */
    private static final String ENTRY_SET = "entrySet()";
    /** The manager's operations that count proxies of an object up and down. */
    static final String RETAIN = "retain";
    static final String RELEASE = "release";

    /** How this process reaches the server: rebound, when read, to the way the proxy came (see {@link #readObject}). */
    private ManagerAddress address;
    private final long objectId;
    private final Class<?> type;
    /** A namespace's names that begin with {@code _}: this proxy's alone. */
    private transient Map<String, Object> local;
    /** {@code ManagerClient.of(address)}, looked up at the first call rather than at each. */
    private transient ManagerClient client;

    ProxyHandler(ManagerAddress address, long objectId, Class<?> type) {
        this.address = address;
        this.objectId = objectId;
        this.type = type;
    }

    /** A proxy of object {@code objectId} of the server at {@code address}, implementing {@code type}. */
    @SuppressWarnings("unchecked")
    static <T> T proxy(ManagerAddress address, long objectId, Class<T> type) {
        return (T) new ProxyHandler(address, objectId, type).resolve();
    }

    /**
     * A proxy whose calls this handler makes: one of {@link BuiltInProxy}'s for the manager's own
     * types, a generated {@link Proxy} for a registered interface.
     */
    Object resolve() {
        if (type == ConcurrentMap.class) {
            return new MapProxy(this);
        } else if (type == List.class) {
            return new ListProxy(this);
        } else if (type == Namespace.class) {
            return new NamespaceProxy(this);
        } else if (type == ManagedValue.class) {
            return new ValueProxy(this);
        }
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, this);
    }

    /** The handler of {@code object} if it is a proxy of a manager's, else null. */
    private static ProxyHandler of(Object object) {
        if (object instanceof BuiltInProxy builtIn) {
            return builtIn.handler;
        }
        return object != null && Proxy.isProxyClass(object.getClass())
                && Proxy.getInvocationHandler(object) instanceof ProxyHandler handler ? handler : null;
    }

    /**
     * Reads what {@link #writeCompactForm} wrote, for a {@link BuiltInProxy} of {@code type}, as
     * {@link #readObject} reads what Java serialization wrote.
     */
    ProxyHandler(DataInputStream in, Class<?> type) throws IOException {
        String serverId = in.readUTF();
        if (!(CompactForms.decode(in) instanceof Queue<?> accept)) {
            throw new java.io.StreamCorruptedException("a manager's address without its queue of connections");
        }
        @SuppressWarnings("unchecked")
        Queue<Connection> connections = (Queue<Connection>) accept;
        long serverPid = in.readLong();
        long serverStart = in.readLong();
        this.objectId = in.readLong();
        this.type = type;
        this.address = new ManagerAddress.Local(serverId, connections, serverPid, serverStart);
        bindAsRead();
    }

    /**
     * The compact form, for a proxy of the manager's own types on this machine; counts one more
     * proxy for the reader, as {@link #writeObject}. If the server cannot count it, there is no
     * compact form, and Java serialization reports why.
     */
    boolean writeCompactForm(DataOutputStream out) throws IOException {
        if (!(address instanceof ManagerAddress.Local local)) {
            return false;
        }
        byte[] accept = CompactForms.encode(local.accept());
        if (accept == null) {
            return false;
        }
        try {
            count(address, objectId, RETAIN);
        } catch (Error e) {
            throw e;
        } catch (Throwable notCounted) {
            return false;
        }
        out.writeUTF(local.serverId());
        out.write(accept);
        out.writeLong(local.serverPid());
        out.writeLong(local.serverStart());
        out.writeLong(objectId);
        return true;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (method.getDeclaringClass() == Object.class) {
            if (name.equals("equals")) {
                return isEqualTo(args[0]);
            }
            ManagerServer here = ManagerServer.runningHere(address.serverId());
            if (here != null) {
                return name.equals("hashCode") ? here.onObject(objectId, Object::hashCode)
                        : here.onObject(objectId, String::valueOf);
            }
            return remote(Calls.key(method), args);
        }
        if (type == Namespace.class && args != null && args.length > 0 && args[0] instanceof String attribute
                && attribute.startsWith("_")) {
            return onProxy(name, attribute, args);
        }
        if (List.class.isAssignableFrom(type)) {
            switch (name) {
                case "iterator" -> {
                    return new LiveIterator((List<?>) proxy, 0);
                }
                case "listIterator" -> {
                    return new LiveIterator((List<?>) proxy, args == null ? 0 : (Integer) args[0]);
                }
                case "subList" -> {
                    return ProxyViews.subList((List<?>) proxy, (Integer) args[0], (Integer) args[1]);
                }
                default -> { }
            }
        }
        if (Map.class.isAssignableFrom(type) && args == null) {
            switch (name) {
                case "keySet" -> {
                    return ProxyViews.keySet((Map<?, ?>) proxy, this::entries);
                }
                case "values" -> {
                    return ProxyViews.values((Map<?, ?>) proxy, this::entries);
                }
                case "entrySet" -> {
                    return ProxyViews.entrySet((Map<?, ?>) proxy, this::entries);
                }
                default -> { }
            }
        }
        if (method.isDefault() && !(Map.class.isAssignableFrom(type) && ATOMIC_DEFAULTS.contains(name))) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        try {
            Remote remote = REMOTES.computeIfAbsent(method, Remote::of);
            ManagerClient client = client();
            return client.call(objectId, remote.key(), args, remote.interruptible());
        } catch (Throwable thrown) {
            throw declaredOrWrapped(method, thrown);
        }
    }

    /**
     * {@code equals}: true for a proxy of the same object; for a proxy of another list or map, the
     * object compared with a copy of that one's contents, since lists and maps are equal by contents
     * in {@code java.util} however they are held; false for any other proxy. On the server itself
     * (a proxy held in another of its objects, met by that one's {@code equals}), both are read
     * there under their locks, as a call would: a call from the server to itself would wait for a
     * lock that the calling thread may hold, the lock of the object whose {@code equals} is running.
     * {@code hashCode} and {@code toString} are read there too (see {@link #invoke}), so an object
     * that holds a proxy of itself overflows the stack, as a {@code java.util} map that holds itself
     * does, instead of waiting for ever.
     */
    private boolean isEqualTo(Object that) throws Throwable {
        ProxyHandler other = of(that);
        if (other != null && other.address.serverId().equals(address.serverId()) && other.objectId == objectId) {
            return true;
        }
        Object compared = that;
        if (other != null) {
            ManagerServer otherHere = ManagerServer.runningHere(other.address.serverId());
            compared = otherHere == null ? copyOf(that) : otherHere.onObject(other.objectId, ProxyHandler::copyOf);
            if (compared == null) {
                return false;
            }
        }
        ManagerServer here = ManagerServer.runningHere(address.serverId());
        if (here != null) {
            Object withContents = compared;
            return here.onObject(objectId, held -> held.equals(withContents));
        }
        return (Boolean) remote("equals(java.lang.Object)", new Object[] {compared});
    }

    /** A copy of a list's or a map's contents, for {@link #isEqualTo}; null for anything else. */
    private static Object copyOf(Object listOrMap) {
        if (listOrMap instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        if (listOrMap instanceof Map<?, ?> map) {
            return new HashMap<>(map);
        }
        return null;
    }

    /**
     * How a method is called on the server: its key, and whether it may be interrupted, which is
     * when it may throw {@link InterruptedException} ({@link ManagerClient#call(long, String, Object[], boolean)}).
     */
    private record Remote(String key, boolean interruptible) {
        static Remote of(Method method) {
            boolean interruptible = false;
            for (Class<?> thrown : method.getExceptionTypes()) {
                interruptible |= thrown.isAssignableFrom(InterruptedException.class);
            }
            return new Remote(Calls.key(method), interruptible);
        }
    }

    /** A map's entries now, copied by the server in one call: what its views iterate ({@link ProxyViews}). */
    @SuppressWarnings("unchecked")
    private <K, V> Set<Map.Entry<K, V>> entries() {
        try {
            return (Set<Map.Entry<K, V>>) remote(ENTRY_SET, null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ManagerException("the manager could not read the map's entries: " + t, t);
        }
    }

    private Object remote(String key, Object[] args) throws Throwable {
        return client().call(objectId, key, args);
    }

    private ManagerClient client() {
        ManagerClient client = this.client;
        if (client == null) {
            client = ManagerClient.of(address);
            this.client = client; // racing threads find the same client
        }
        return client;
    }

    /**
     * A checked exception the method does not declare, such as the server failing to read an
     * argument's class, as a {@link ManagerException} naming it rather than the proxy's bare
     * {@code UndeclaredThrowableException}.
     */
    private static Throwable declaredOrWrapped(Method method, Throwable thrown) {
        if (thrown instanceof RuntimeException || thrown instanceof Error) {
            return thrown;
        }
        for (Class<?> declared : method.getExceptionTypes()) {
            if (declared.isInstance(thrown)) {
                return thrown;
            }
        }
        return new ManagerException("the manager could not run " + method.getName() + ": " + thrown, thrown);
    }

    private synchronized Object onProxy(String method, String attribute, Object[] args) {
        if (local == null) {
            local = new HashMap<>();
        }
        return switch (method) {
            case "get" -> {
                if (!local.containsKey(attribute)) {
                    throw new NoSuchElementException("the namespace has no attribute '" + attribute + "'");
                }
                yield local.get(attribute);
            }
            case "set" -> local.put(attribute, args[1]);
            case "delete" -> {
                if (!local.containsKey(attribute)) {
                    throw new NoSuchElementException("the namespace has no attribute '" + attribute + "'");
                }
                local.remove(attribute);
                yield null;
            }
            case "has" -> local.containsKey(attribute);
            default -> throw new UnsupportedOperationException(method);
        };
    }

    /**
     * Written for another process, or for the server: counts one more proxy of the object, on
     * behalf of the process that will read this one, so that the object outlives the writer's own
     * proxy however late the reader reads. A proxy written and never read keeps its object until
     * the server stops: a leak, never a proxy whose object is gone.
     *
     * @throws java.io.InvalidObjectException if the server no longer holds the object or cannot be reached
     */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        try {
            count(address, objectId, RETAIN);
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw new java.io.InvalidObjectException("cannot hand on a proxy of object " + objectId + " of the manager at "
                    + address + ": " + t.getMessage());
        }
        out.defaultWriteObject();
    }

    /**
     * Read in a reply from, or a call to, a server, or from anywhere else: a proxy of that server's
     * reaches it the way the reply came, by shared memory or by socket, whichever way its writer
     * reached it; and the count its writer took is given back once this proxy is collected.
     */
    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        bindAsRead();
    }

    /** What reading a proxy does, in either form: see {@link #readObject}. */
    private void bindAsRead() {
        ManagerAddress from = ManagerClient.decodingFrom();
        if (from != null && from.serverId().equals(address.serverId())) {
            address = from;
        }
        RELEASER.register(this, new Release(address, objectId));
    }

    private static final java.lang.ref.Cleaner RELEASER = java.lang.ref.Cleaner.create();

    /** Gives back one count of a proxy that was read, once it is collected; nothing if the server is gone. */
    private record Release(ManagerAddress address, long objectId) implements Runnable {
        @Override
        public void run() {
            try {
                count(address, objectId, RELEASE);
            } catch (Throwable gone) {
                // the server stopped, and its objects with it
            }
        }
    }

    /**
     * Counts one proxy of object {@code objectId} more ({@link #RETAIN}) or fewer ({@link #RELEASE})
     * on its server: directly if the server runs in this process, else with a call.
     */
    private static void count(ManagerAddress address, long objectId, String operation) throws Throwable {
        ManagerServer here = ManagerServer.runningHere(address.serverId());
        if (here == null) {
            ManagerClient.of(address).call(Calls.MANAGER, operation, new Object[] {objectId});
        } else if (operation.equals(RETAIN)) {
            here.retain(objectId);
        } else {
            here.release(objectId);
        }
    }

    @Override
    public String toString() {
        return "proxy of object " + objectId + " (" + type.getName() + ") of the manager at " + address;
    }

    /** A list iterator that reads and writes the list on the server at each step, as Python's proxy iterators. */
    private static final class LiveIterator implements ListIterator<Object> {
        private final List<Object> list;
        private int next;
        private int last = -1;

        @SuppressWarnings("unchecked")
        LiveIterator(List<?> list, int start) {
            this.list = (List<Object>) list;
            this.next = start;
        }

        @Override
        public boolean hasNext() {
            return next < list.size();
        }

        @Override
        public Object next() {
            try {
                Object value = list.get(next);
                last = next++;
                return value;
            } catch (IndexOutOfBoundsException e) {
                throw new NoSuchElementException("the list has " + list.size() + " elements now");
            }
        }

        @Override
        public boolean hasPrevious() {
            return next > 0;
        }

        @Override
        public Object previous() {
            if (next == 0) {
                throw new NoSuchElementException();
            }
            last = --next;
            return list.get(next);
        }

        @Override
        public int nextIndex() {
            return next;
        }

        @Override
        public int previousIndex() {
            return next - 1;
        }

        @Override
        public void remove() {
            checkLast();
            list.remove(last);
            if (last < next) {
                next--;
            }
            last = -1;
        }

        @Override
        public void set(Object value) {
            checkLast();
            list.set(last, value);
        }

        @Override
        public void add(Object value) {
            list.add(next++, value);
            last = -1;
        }

        private void checkLast() {
            if (last < 0) {
                throw new IllegalStateException("next() or previous() first");
            }
        }
    }
}
