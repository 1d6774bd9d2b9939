package org.multiprocessing4j.internal.shm;

import java.util.List;
import java.util.function.Supplier;

/**
 * The segments whose descriptors went into a pool's task: held by the task's encoded form, which
 * the pool keeps until the task's result is back, and then let go like any handle, instead of
 * pinned until this process exits.
 *
 * <p>A worker decodes a task, and so attaches its segments and becomes their user, before it runs
 * it; a task never sent is never read. So once the pool has dropped the task (its result came
 * back, or it was cancelled), nobody attaches from this descriptor again, and a segment this
 * process no longer uses may go: a program that captures a new queue in each {@code map} keeps a
 * flat {@code /dev/shm}. A worker that kept the handle is still a user, so the file stays while it
 * does.
 *
 * <p>Two exceptions, which pin as any send does. A block of small primitives ({@link SharedHeap}):
 * a worker lives on after the task and may keep using its chunk, which this process must then never
 * hand out again. And a segment that a worker, or anyone, sent on into a queue or a pipe (marked in
 * its header, {@link SharedLayout.Header#DESCRIPTOR_SENT_OFFSET}): this process stays its user when
 * it drops it ({@link SegmentLifetime}), so that a descriptor still in a queue finds its file.
 *
 * <p>Collecting is per thread, as for {@link LaunchPins}: the pool encodes a task in the caller's
 * thread.
 */
public final class TaskHolds {
    private static final ThreadLocal<List<SharedSegment>> COLLECTING = new ThreadLocal<>();

    private TaskHolds() {}

    /**
     * Runs {@code encoding} (the encoding of a task's function or items) on this thread, adding to
     * {@code held} the segments of their own whose descriptors it writes; the caller keeps
     * {@code held} with the encoded task.
     */
    public static <T> T collectWhile(List<SharedSegment> held, Supplier<T> encoding) {
        List<SharedSegment> outer = COLLECTING.get();
        COLLECTING.set(held);
        try {
            return encoding.get();
        } finally {
            COLLECTING.set(outer);
        }
    }

    /**
     * Called as {@code segment}'s descriptor is written on this thread: true if a task being
     * encoded here holds it, false if the writer must pin it.
     */
    static boolean collected(SharedSegment segment) {
        List<SharedSegment> held = COLLECTING.get();
        if (held == null || segment.isHeapBlock()) {
            return false;
        }
        segment.heldByTask();
        held.add(segment);
        return true;
    }
}
