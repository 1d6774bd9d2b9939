package org.multiprocessing4j.internal.shm;

import java.time.Duration;

/**
 * When a process that has gone idle asks for a garbage collection: only if it mapped segments since
 * it last asked. A pool worker between tasks and a manager's server between calls allocate too
 * little for the collector to run of itself, so the handles their work dropped (a queue a task
 * returned, one removed from a manager's dict) would keep their segments mapped, and the files
 * with them, for as long as the process lives. Collected, those handles leave their segments, whose
 * files go once nobody else uses them ({@link SegmentLifetime}). Confined to the thread that waits.
 */
public final class IdleCollection {
    /** How long a process waits for work before it counts as idle. */
    public static final Duration IDLE_AFTER = Duration.ofMillis(200);

    /** {@link SharedSegment#mappingsMade} when this process last asked, or when this was made. */
    private long mappingsAtCollection = SharedSegment.mappingsMade();

    /** True if segments were mapped since the last collection (or since this was made). */
    public boolean mappedSince() {
        return SharedSegment.mappingsMade() != mappingsAtCollection;
    }

    /** Asks for a collection if segments were mapped since the last one. */
    public void collectIfMappedSince() {
        long mappings = SharedSegment.mappingsMade();
        if (mappings != mappingsAtCollection) {
            mappingsAtCollection = mappings;
            System.gc();
        }
    }
}
