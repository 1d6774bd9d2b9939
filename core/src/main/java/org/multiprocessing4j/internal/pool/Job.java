package org.multiprocessing4j.internal.pool;

/**
 * What a pool call waits on: a task's future, a map's list, an imap's iterator. The engine calls
 * it on its result thread, never holding its own lock, once per unit.
 */
interface Job {
    /**
     * The outcomes of {@code unit}'s items, in order: each the value, or a {@link Failed}.
     */
    void completed(Unit unit, Column outcomes);

    /** The pool was terminated before {@code unit} finished. */
    void cancelled(Unit unit);

    /** The pool was shut down while this job still read its input: it reads no more. */
    default void poolShutDown() {}

    /** True once nobody waits for this job's results: its units not yet sent may be dropped. */
    boolean abandoned();

    /** The item's outcome when it has no value: what the task threw, or why it has no result. */
    record Failed(Throwable cause) {}
}
