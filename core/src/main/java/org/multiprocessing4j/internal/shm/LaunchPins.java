package org.multiprocessing4j.internal.shm;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The segments whose descriptors went into one child's launch: this process stays their user for
 * as long as that child runs, and no longer, unless their descriptor also went somewhere else.
 *
 * <p>A descriptor written into a manager may be read by anyone, at any time, so its writer stays a
 * user until it exits ({@link SegmentLifetime#pinAndMarkSent}); one in a queue's or a pipe's frame,
 * until the frame is taken ({@link CountedSends}). A launch is read by one
 * known process, the child, which attaches every segment of it (and so becomes a user) before its
 * target runs, and whose own children end before it does. So once the child has ended, nobody will attach from
 * the launch again, and the segment can go as soon as this process drops its handles: a loop that
 * gives each child a new queue keeps a flat {@code /dev/shm}. While the child runs, this object
 * holds the segments, so they stay mapped and registered here, and {@link SharedHeap} reuses none
 * of their chunks.
 *
 * <p>The child, or any process after it, may have sent the descriptor on, into a queue or a pipe;
 * its writer then marks the segment's header ({@link SharedLayout.Header#DESCRIPTOR_SENT_OFFSET}).
 * A segment found marked when the child has ended is pinned here as if this process had sent it,
 * so that a descriptor still in a queue finds its file. The mark is a volatile store made before the
 * writer's send returns; the child's end, which this process learns from the kernel after the
 * child's last store, orders it before the look here.
 *
 * <p>Collecting is per thread: {@link #collectWhile} makes the descriptors the calling thread
 * writes meanwhile land here instead of pinning their segments.
 */
public final class LaunchPins {
    private static final ThreadLocal<LaunchPins> COLLECTING = new ThreadLocal<>();

    /** Guarded by this; emptied by {@link #release}. */
    private final Set<SharedSegment> segments = new HashSet<>();
    private boolean released;

    /**
     * Runs {@code encoding} (the encoding of a launch) on this thread, collecting the segments whose
     * descriptors it writes. If it throws, the segments are released, since no child will read them.
     */
    public <T> T collectWhile(Supplier<T> encoding) {
        LaunchPins outer = COLLECTING.get();
        COLLECTING.set(this);
        boolean encoded = false;
        try {
            T launch = encoding.get();
            encoded = true;
            return launch;
        } finally {
            COLLECTING.set(outer);
            if (!encoded) {
                release();
            }
        }
    }

    /**
     * Called as {@code segment}'s descriptor is written on this thread: true if a launch being
     * encoded here takes it, false if the writer must pin it.
     */
    static boolean collected(SharedSegment segment) {
        LaunchPins pins = COLLECTING.get();
        return pins != null && pins.add(segment);
    }

    private synchronized boolean add(SharedSegment segment) {
        if (released) {
            return false;
        }
        if (segments.add(segment)) {
            segment.launchStarted();
        }
        return true;
    }

    /** Whether the launch holds a queue's, a pipe's or a pool's rings, on which its child will wait or wake. */
    public synchronized boolean holdsRings() {
        return segments.stream().anyMatch(SharedSegment::holdsRing);
    }

    /**
     * The child that read the launch has ended, or will never start: lets go of its segments,
     * pinning those whose descriptor was sent on meanwhile. Safe to call more than once.
     */
    public synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        for (SharedSegment segment : segments) {
            segment.launchEnded();
        }
        segments.clear();
    }
}
