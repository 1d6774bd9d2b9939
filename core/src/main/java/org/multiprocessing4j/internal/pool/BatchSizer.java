package org.multiprocessing4j.internal.pool;

/**
 * How many pending units go to a worker in one message. Small units are batched, so that a worker
 * spends its time on work rather than on messages; long ones go one by one, so that no unit waits
 * behind another worker's long batch while a worker is idle. The measure is the time units take in
 * the workers (a moving average, which each result updates), aiming at {@link #TARGET_BATCH_NANOS}
 * of work per batch, and never more than an even share of what is pending.
 *
 * <p>Guarded by the engine's lock.
 */
final class BatchSizer {
    static final long TARGET_BATCH_NANOS = 2_000_000;
    static final int MAX_UNITS = 256;
    /** The weight of the newest sample in the moving average: 1/8. */
    private static final int SMOOTHING_SHIFT = 3;

    private long averageNanos = -1;

    void record(long unitNanos) {
        averageNanos = averageNanos < 0 ? unitNanos : averageNanos + ((unitNanos - averageNanos) >> SMOOTHING_SHIFT);
    }

    /** Units for the next batch, with {@code pending} units waiting for {@code workers} workers. */
    int unitsPerBatch(int pending, int workers) {
        if (averageNanos < 0) {
            return 1; // nothing measured yet: a unit may be long
        }
        long byTime = TARGET_BATCH_NANOS / Math.max(1, averageNanos);
        long share = (pending + Math.max(1, workers) - 1) / Math.max(1, workers);
        return (int) Math.max(1, Math.min(Math.min(byTime, share), MAX_UNITS));
    }
}
