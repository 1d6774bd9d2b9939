package org.multiprocessing4j.cluster;

import com.hazelcast.map.IMap;
import java.time.Duration;
import org.multiprocessing4j.cluster.internal.Counters;
import org.multiprocessing4j.cluster.internal.KeyWaiter;

/**
 * A counting semaphore of the cluster, with the calls of the local
 * {@link org.multiprocessing4j.Semaphore}. The count is a key of a Hazelcast map; taking a permit
 * is an entry processor that runs on the key's owner (atomic), and a waiter wakes when the key
 * changes. Permits are counts, as in Python: one that a process took and did not give back before
 * it died stays taken.
 */
public final class ClusterSemaphore {
    private final IMap<String, Long> permits;
    private final String name;
    private final KeyWaiter waiter;

    ClusterSemaphore(IMap<String, Long> permits, String name, int initial) {
        this.permits = permits;
        this.name = name;
        this.waiter = new KeyWaiter(permits, name);
        permits.putIfAbsent(name, (long) initial);
    }

    /**
     * Takes a permit, waiting as long as it takes.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        waiter.await(this::tryTake, Long.MAX_VALUE);
    }

    /**
     * Takes a permit if one is there, or waits for one if {@code block}: Python's {@code acquire(block)}.
     *
     * @param block whether to wait
     * @return whether a permit was taken
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean acquire(boolean block) throws InterruptedException {
        if (!block) {
            return tryTake();
        }
        acquire();
        return true;
    }

    /**
     * Takes a permit, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait; zero or negative for not at all
     * @return whether a permit was taken
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean acquire(Duration timeout) throws InterruptedException {
        return waiter.await(this::tryTake, saturatedNanos(timeout));
    }

    /** Gives a permit back, waking a waiter. */
    public void release() {
        permits.executeOnKey(name, new Counters.Add(1, false));
    }

    /**
     * The permits there now.
     *
     * @return the count
     */
    public int value() {
        Long value = permits.get(name);
        return value == null ? 0 : value.intValue();
    }

    private boolean tryTake() {
        return permits.executeOnKey(name, new Counters.Take(1));
    }

    static long saturatedNanos(Duration timeout) {
        try {
            return Math.max(0, timeout.toNanos());
        } catch (ArithmeticException huge) {
            return timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "<ClusterSemaphore " + name + " value=" + value() + ">";
    }
}
