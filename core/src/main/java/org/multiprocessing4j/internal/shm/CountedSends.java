package org.multiprocessing4j.internal.shm;

import java.util.ArrayList;
import java.util.List;

/**
 * Descriptors sent on a queue or a pipe, in a pool's result, or in a call to a manager or its reply:
 * counted in the segment's header while a frame naming them is not taken, so that the sender need
 * not stay the segment's user until it exits.
 *
 * <p>A frame of a queue or a pipe is read once, by whoever takes it; so is a pool's result, by the
 * pool's result thread, and a manager's call and its reply, by the server and by the caller. So a
 * descriptor written into one, between {@link #beginSend} and {@link #endSend}, adds one to the
 * header's in-flight count ({@link SharedLayout.Header#IN_FLIGHT_OFFSET}), and the reader that takes
 * the frame, between {@link #beginReceive} and {@link #endReceive}, attaches the segment, and so
 * becomes its user, and then takes one off. While the count is above zero, nobody deletes the segment, neither its last
 * user as it leaves ({@link SegmentLifetime}) nor the tracker while the tree's root runs
 * ({@link ResourceTracker}), even when no live process uses it: its sender may have left and its
 * first taker sent it on and ended. So a sender leaves like any user once it drops its handle, and
 * the file goes when the last taker is done with it: a program that sends each request a new reply
 * queue keeps a flat {@code /dev/shm}. The add happens before the frame is published and the
 * take-off after the reader registered, both sequentially consistent, so whoever reads zero finds
 * every reader registered.
 *
 * <p>What is not counted pins as before: a block of small primitives, whose chunks this process
 * must never hand out again while another may use them, and a descriptor written anywhere else (the
 * user's own serialization; a child's launch and a pool's task hold theirs by rules of their own,
 * {@link LaunchPins} and {@link TaskHolds}). A count that never reaches zero (a frame never taken,
 * a pool's result lost with its worker or come after its pool was terminated, a call or a reply
 * whose reader died first, a reader killed between its take and its attach) keeps the segment until
 * the tree's root ends, where a sender's pin kept it until that sender ended. A frame that did not
 * go out (a full queue, a broken pipe) takes back what it counted ({@link #settle}); only a frame
 * taken is counted down, not one peeked at.
 *
 * <p>Depths are per thread and nest; a thread that never sends or receives allocates nothing here.
 */
public final class CountedSends {
    /** What this thread is doing, from its first send or receive on. */
    private static final ThreadLocal<Collector> COLLECTORS = new ThreadLocal<>();

    private static final class Collector {
        int sending;
        int receiving;
        /** Counted by sends not settled yet, the innermost last. */
        final List<SharedSegment> counted = new ArrayList<>();
    }

    /** The mark of a send that counts nothing: its item can hold no handle. */
    private static final int NOT_COUNTING = -1;

    private CountedSends() {}

    /**
     * From now until {@link #endSend}, descriptors this thread writes go into a frame read once;
     * {@link #settle} says, on every path, whether the frame went out. For an item that
     * {@code counting} says holds no handle, nothing is done, and the three calls cost a comparison.
     *
     * @return the mark to pass to {@link #endSend} and {@link #settle}
     */
    public static int beginSend(boolean counting) {
        if (!counting) {
            return NOT_COUNTING;
        }
        Collector collector = collector();
        collector.sending++;
        return collector.counted.size();
    }

    /** The frame of the send {@code mark} is encoded. */
    public static void endSend(int mark) {
        if (mark != NOT_COUNTING) {
            COLLECTORS.get().sending--;
        }
    }

    /**
     * The send that {@link #beginSend} returned {@code mark} for is over: if its frame did not go
     * out (the queue was full, the pipe broken, the encoding failed), what it counted is taken back.
     */
    public static void settle(int mark, boolean sent) {
        if (mark == NOT_COUNTING) {
            return;
        }
        List<SharedSegment> counted = COLLECTORS.get().counted;
        if (counted.size() == mark) {
            return; // nothing counted: no allocation
        }
        List<SharedSegment> since = counted.subList(mark, counted.size());
        if (!sent) {
            for (SharedSegment segment : since) {
                segment.countOff();
            }
        }
        since.clear();
    }

    /** From now until {@link #endReceive}, descriptors this thread reads come from a frame it took. */
    public static void beginReceive() {
        collector().receiving++;
    }

    public static void endReceive() {
        COLLECTORS.get().receiving--;
    }

    /**
     * Called as {@code segment}'s descriptor is written on this thread: true if a send counts it,
     * false if the writer must pin it.
     */
    static boolean counted(SharedSegment segment) {
        Collector collector = COLLECTORS.get();
        if (collector == null || collector.sending == 0 || segment.isHeapBlock()) {
            return false;
        }
        segment.countSent();
        collector.counted.add(segment);
        return true;
    }

    /** Called once {@code segment}, read from a descriptor on this thread, is attached here. */
    static void attached(SharedSegment segment) {
        Collector collector = COLLECTORS.get();
        if (collector != null && collector.receiving > 0 && !segment.isHeapBlock()) {
            segment.countOff();
        }
    }

    private static Collector collector() {
        Collector collector = COLLECTORS.get();
        if (collector == null) {
            collector = new Collector();
            COLLECTORS.set(collector);
        }
        return collector;
    }
}
