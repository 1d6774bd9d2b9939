package org.multiprocessing4j.cluster;

import com.hazelcast.map.IMap;
import java.time.Duration;
import org.multiprocessing4j.cluster.internal.KeyWaiter;

/**
 * A flag of the cluster that threads of any member or client can wait for, with the calls of the
 * local {@link org.multiprocessing4j.Event}. The flag is a key of a Hazelcast map; a waiter wakes
 * when the key changes.
 */
public final class ClusterEvent {
    private final IMap<String, Boolean> flags;
    private final String name;
    private final KeyWaiter waiter;

    ClusterEvent(IMap<String, Boolean> flags, String name) {
        this.flags = flags;
        this.name = name;
        this.waiter = new KeyWaiter(flags, name);
    }

    /**
     * Whether the flag is set.
     *
     * @return true if set
     */
    public boolean isSet() {
        return Boolean.TRUE.equals(flags.get(name));
    }

    /** Sets the flag, waking every waiter. */
    public void set() {
        flags.set(name, true);
    }

    /** Clears the flag. */
    public void clear() {
        flags.set(name, false);
    }

    /**
     * Waits until the flag is set.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public void await() throws InterruptedException {
        waiter.await(this::isSet, Long.MAX_VALUE);
    }

    /**
     * Waits until the flag is set, at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return whether the flag is set
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return waiter.await(this::isSet, ClusterSemaphore.saturatedNanos(timeout));
    }

    @Override
    public String toString() {
        return "<ClusterEvent " + name + (isSet() ? " set>" : " clear>");
    }
}
