package org.multiprocessing4j.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;

/**
 * The cluster's shared objects, by name, with the Java interfaces of the local ones: a
 * {@link Lock}, a {@link BlockingQueue}, a {@link ConcurrentMap}, a semaphore, an event and a
 * shared long. Every process that asks for the same name gets the same object.
 *
 * <p>What holds, on Hazelcast's open-source edition (whose CP subsystem, with its linearizable
 * consensus, is a licensed feature): each object lives in one partition, owned by one member and
 * copied to one backup on another member before a write returns (one synchronous backup). A member
 * that crashes loses nothing that was acknowledged, as its backups take over; two members that
 * crash at the same time lose the partitions they owned and backed up between them, and a
 * network split lets each side go on alone until it heals (Hazelcast then merges, the larger side's
 * value winning). Operations on one object are atomic and in order; across objects there is no
 * transaction.
 *
 * <pre>{@code
 * try (Cluster cluster = Cluster.connect(config)) {
 *     ConcurrentMap<String, Integer> counts = cluster.dict("counts");
 *     counts.merge("seen", 1, Integer::sum);
 * }
 * }</pre>
 */
public final class Cluster implements AutoCloseable {
    private static final String PREFIX = "multiprocessing4j.";
    private static final String LOCKS = PREFIX + "locks";
    private static final String SEMAPHORES = PREFIX + "semaphores";
    private static final String EVENTS = PREFIX + "events";
    private static final String VALUES = PREFIX + "values";

    private final HazelcastInstance hazelcast;
    private final boolean owned;

    Cluster(HazelcastInstance hazelcast, boolean owned) {
        this.hazelcast = hazelcast;
        this.owned = owned;
    }

    /**
     * Connects to the cluster {@code config} names, as a client.
     *
     * @param config the cluster's name, secret and member addresses
     * @return the cluster's objects
     * @throws ClusterException if no member accepted this client within the connect timeout
     */
    public static Cluster connect(ClusterConfig config) {
        return new Cluster(HazelcastSettings.newClient(config), true);
    }

    /**
     * The lock of this name. It is released when the process or member holding it dies: a
     * member's locks at once, a client's within a few seconds of its connection closing.
     *
     * @param name the lock's name
     * @return the lock
     */
    public Lock lock(String name) {
        return new ClusterLock(hazelcast.getMap(LOCKS), checked(name));
    }

    /**
     * The unbounded queue of this name.
     *
     * @param name the queue's name
     * @param <E> the type of its items, which must be {@link java.io.Serializable}
     * @return the queue
     */
    public <E> BlockingQueue<E> queue(String name) {
        return hazelcast.getQueue(PREFIX + "queue." + checked(name));
    }

    /**
     * The map of this name: Python's {@code Manager().dict()}, for the cluster. Its
     * {@code ConcurrentMap} methods are atomic; {@code compute} and {@code merge} apply their
     * function here and retry if another process changed the entry meanwhile.
     *
     * @param name the map's name
     * @param <K> the type of its keys, which must be {@link java.io.Serializable}
     * @param <V> the type of its values, which must be {@link java.io.Serializable}
     * @return the map
     */
    public <K, V> ConcurrentMap<K, V> dict(String name) {
        return hazelcast.getMap(PREFIX + "dict." + checked(name));
    }

    /**
     * The semaphore of this name, made with {@code permits} permits by the first to ask for it.
     *
     * @param name the semaphore's name
     * @param permits its initial permits, if it is new
     * @return the semaphore
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public ClusterSemaphore semaphore(String name, int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("a semaphore's permits must be 0 or more, not " + permits);
        }
        return new ClusterSemaphore(hazelcast.getMap(SEMAPHORES), checked(name), permits);
    }

    /**
     * The event of this name, clear when new.
     *
     * @param name the event's name
     * @return the event
     */
    public ClusterEvent event(String name) {
        return new ClusterEvent(hazelcast.getMap(EVENTS), checked(name));
    }

    /**
     * The shared long of this name, 0 when new.
     *
     * @param name the value's name
     * @return the value
     */
    public ClusterLong value(String name) {
        return new ClusterLong(hazelcast.getMap(VALUES), checked(name));
    }

    /** Disconnects, if this was made by {@link #connect}; a node's own stays up. */
    @Override
    public void close() {
        if (owned) {
            hazelcast.shutdown();
        }
    }

    private static String checked(String name) {
        if (Objects.requireNonNull(name, "name").isEmpty()) {
            throw new IllegalArgumentException("a cluster object's name must not be empty");
        }
        return name;
    }
}
