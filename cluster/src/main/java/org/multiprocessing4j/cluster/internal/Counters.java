package org.multiprocessing4j.cluster.internal;

import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.util.Map;

/**
 * The atomic steps of the cluster's counters, as entry processors: each runs on the member that
 * owns the key, alone on it, and its write goes to the backup before the caller hears back. An
 * absent key counts as 0.
 */
public final class Counters {
    private Counters() {}

    private static long valueOf(Map.Entry<String, Long> entry) {
        Long value = entry.getValue();
        return value == null ? 0 : value;
    }

    /**
     * Adds {@code delta}; gives the value after, or before if {@code before}.
     *
     * @param delta what to add
     * @param before whether to give the value before the addition
     */
    public record Add(long delta, boolean before) implements EntryProcessor<String, Long, Long> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Long process(Map.Entry<String, Long> entry) {
            long old = valueOf(entry);
            entry.setValue(old + delta);
            return before ? old : old + delta;
        }
    }

    /**
     * Sets {@code update} if the value is {@code expected}; gives whether it did.
     *
     * @param expected the value expected
     * @param update the new value
     */
    public record CompareAndSet(long expected, long update) implements EntryProcessor<String, Long, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, Long> entry) {
            if (valueOf(entry) != expected) {
                return false;
            }
            entry.setValue(update);
            return true;
        }
    }

    /**
     * Takes {@code permits} if at least that many are there; gives whether it did.
     *
     * @param permits how many to take
     */
    public record Take(long permits) implements EntryProcessor<String, Long, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, Long> entry) {
            long available = valueOf(entry);
            if (available < permits) {
                return false;
            }
            entry.setValue(available - permits);
            return true;
        }
    }
}
