package org.multiprocessing4j.internal.pool;

/**
 * What one worker runs as a whole and answers with one message: a submitted task, or a chunk of a
 * map's items. Its payload is encoded once, in the submitting thread, and kept until its result
 * comes back, so that a unit its worker never began can go to another worker.
 */
final class Unit {
    final long id;
    final Job job;
    /** The index of its first item in the job's input. */
    final long first;
    final int items;
    final Frames.Payload payload;
    /** The worker it was sent to; null while pending. Guarded by the engine's lock. */
    Worker worker;
    /** True for the last unit of the batch it was sent in. Guarded by the engine's lock. */
    boolean lastOfBatch;

    Unit(long id, Job job, long first, int items, Frames.Payload payload) {
        this.id = id;
        this.job = job;
        this.first = first;
        this.items = items;
        this.payload = payload;
    }
}
