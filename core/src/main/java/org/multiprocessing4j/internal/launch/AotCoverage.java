package org.multiprocessing4j.internal.launch;

/**
 * What a child's {@link AotCache} is trained on. A JVM loads every class of its cache as it boots
 * (some 10 microseconds each here), so a child that will run none of the library's hot paths
 * starts sooner on a cache of its bootstrap alone, half the size; a child that does run them
 * starts much later without them, since it then reads them from the library's JAR (DESIGN.md,
 * "Start-up cost").
 */
public enum AotCoverage {
    /**
     * The bootstrap and the library's hot paths (shared memory, the futex call, queues, pipes, a
     * pool's worker, a manager's server and client): for a child given handles, and for one whose
     * needs are unknown, as a PRESPAWN spare's.
     */
    LIBRARY,
    /**
     * The bootstrap alone: for a child whose target captures nothing a handle can hide in, so that
     * it touches the library's shared state only if it makes its own.
     */
    BOOTSTRAP;

    /** What the cache's file name adds for this coverage. */
    String fileTag() {
        return this == LIBRARY ? "" : "-bootstrap";
    }
}
