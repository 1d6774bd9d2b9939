package org.multiprocessing4j.internal.shm;

import java.util.ArrayList;
import java.util.List;

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
 * <p>Collecting is per thread, as for {@link LaunchPins}: the pool encodes a task in the calling
 * thread, between {@link #begin} and {@link #end}. It allocates nothing for a task that names no
 * segment, since the pool encodes one for every {@code applyAsync}.
 */
public final class TaskHolds {
    /** What this thread collects, from its first task on; null in a thread that never encoded one. */
    private static final ThreadLocal<Collector> COLLECTORS = new ThreadLocal<>();

    private static final class Collector {
        int depth;
        final List<SharedSegment> held = new ArrayList<>();
    }

    private TaskHolds() {}

    /**
     * From now until {@link #end}, the segments of their own whose descriptors this thread writes are
     * held rather than pinned.
     *
     * @return the mark to pass to {@link #end}
     */
    public static int begin() {
        Collector collector = COLLECTORS.get();
        if (collector == null) {
            collector = new Collector();
            COLLECTORS.set(collector);
        }
        collector.depth++;
        return collector.held.size();
    }

    /**
     * Ends what {@link #begin} started, on every path: the caller keeps the segments returned with
     * the encoded task, or drops them with it if the encoding failed.
     *
     * @return the segments collected since {@code mark}; empty, and shared, if none
     */
    public static List<SharedSegment> end(int mark) {
        Collector collector = COLLECTORS.get();
        collector.depth--;
        List<SharedSegment> since = collector.held.subList(mark, collector.held.size());
        if (since.isEmpty()) {
            return List.of();
        }
        List<SharedSegment> held = List.copyOf(since);
        since.clear();
        return held;
    }

    /**
     * Called as {@code segment}'s descriptor is written on this thread: true if a task being
     * encoded here holds it, false if the writer must pin it.
     */
    static boolean collected(SharedSegment segment) {
        Collector collector = COLLECTORS.get();
        if (collector == null || collector.depth == 0 || segment.isHeapBlock()) {
            return false;
        }
        segment.heldByTask();
        collector.held.add(segment);
        return true;
    }
}
