package org.multiprocessing4j.cluster;

import com.hazelcast.map.IMap;
import org.multiprocessing4j.cluster.internal.Counters;

/**
 * A long of the cluster, with the calls of the local {@link org.multiprocessing4j.SharedLong}:
 * a key of a Hazelcast map, changed atomically by entry processors on the key's owner.
 */
public final class ClusterLong {
    private final IMap<String, Long> values;
    private final String name;

    ClusterLong(IMap<String, Long> values, String name) {
        this.values = values;
        this.name = name;
    }

    /**
     * The value.
     *
     * @return the value, 0 if never set
     */
    public long get() {
        Long value = values.get(name);
        return value == null ? 0 : value;
    }

    /**
     * Sets the value.
     *
     * @param value the new value
     */
    public void set(long value) {
        values.set(name, value);
    }

    /**
     * Adds {@code delta}.
     *
     * @param delta what to add
     * @return the value after
     */
    public long addAndGet(long delta) {
        return values.executeOnKey(name, new Counters.Add(delta, false));
    }

    /**
     * Adds {@code delta}.
     *
     * @param delta what to add
     * @return the value before
     */
    public long getAndAdd(long delta) {
        return values.executeOnKey(name, new Counters.Add(delta, true));
    }

    /**
     * Sets {@code update} if the value is {@code expected}.
     *
     * @param expected the value expected
     * @param update the new value
     * @return whether it was set
     */
    public boolean compareAndSet(long expected, long update) {
        return values.executeOnKey(name, new Counters.CompareAndSet(expected, update));
    }

    @Override
    public String toString() {
        return "<ClusterLong " + name + "=" + get() + ">";
    }
}
