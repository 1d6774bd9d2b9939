package org.multiprocessing4j.cluster.internal;

import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Waits for one key of a cluster map to change, without a lock: a listener on the key, registered
 * for the wait and removed after it, counts the changes and wakes the waiters, and a waiter sleeps
 * only while the count is what it was before it last tried, so no change between a try and the
 * sleep is missed.
 * Events may still be lost with a member, so a waiter also tries again every
 * {@value #RETRY_MILLIS} ms.
 */
public final class KeyWaiter {
    /** The longest a waiter sleeps without trying again. */
    static final long RETRY_MILLIS = 100;

    private final IMap<String, ?> map;
    private final String key;
    private long changes;

    /**
     * A waiter for {@code key} of {@code map}.
     *
     * @param map the map
     * @param key the key
     */
    public KeyWaiter(IMap<String, ?> map, String key) {
        this.map = map;
        this.key = key;
    }

    /**
     * Tries {@code attempt} until it succeeds or the time is up.
     *
     * @param attempt tries once: true if it succeeded
     * @param nanos how long to keep trying; {@code Long.MAX_VALUE} for ever
     * @return true if the attempt succeeded, false if the time ran out
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean await(BooleanSupplier attempt, long nanos) throws InterruptedException {
        if (attempt.getAsBoolean()) {
            return true; // the common case: no listener, no round trip
        }
        long deadline = System.nanoTime() + nanos;
        UUID listener = map.addEntryListener(new Changes(), key, false);
        try {
            while (true) {
                long seen;
                synchronized (this) {
                    seen = changes;
                }
                if (attempt.getAsBoolean()) {
                    return true;
                }
                long remaining = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                synchronized (this) {
                    if (changes == seen) {
                        wait(Math.min(RETRY_MILLIS, Math.max(1, remaining / 1_000_000)));
                    }
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            map.removeEntryListener(listener);
        }
    }

    private synchronized void changed() {
        changes++;
        notifyAll();
    }

    /** The listener: any write of the key is a change. */
    private final class Changes implements EntryAddedListener<String, Object>, EntryUpdatedListener<String, Object> {
        @Override
        public void entryAdded(com.hazelcast.core.EntryEvent<String, Object> event) {
            changed();
        }

        @Override
        public void entryUpdated(com.hazelcast.core.EntryEvent<String, Object> event) {
            changed();
        }
    }
}
