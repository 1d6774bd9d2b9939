package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What becomes of a segment's mapping and file in this process once no handle here uses it, as
 * Python frees a shared object when its last reference goes.
 *
 * <p>A {@link SharedSegment} is mapped into an automatic arena, so the JVM unmaps it once nothing
 * refers to its memory. Before that, this cleaning action runs when the segment object becomes
 * unreachable: the process leaves the segment's user slots, and if no live user is left, it deletes
 * the file. A segment whose descriptor this process has written where anyone may read it at any
 * time (a manager, the user's own serialization; {@link #pinAndMarkSent}) stays registered until the
 * process exits, since some process may attach to it later from that descriptor; its mapping is
 * still freed. One sent on a queue or a pipe is not pinned: while a frame naming it is not taken,
 * nobody deletes it ({@link #leave}, {@link CountedSends}). One written into a child's launch stays
 * registered only while that child runs ({@link LaunchPins}), and one written into a pool's task
 * only until its result is back ({@link TaskHolds}), unless it was sent on.
 *
 * <p>The JVM frees native resources only as its garbage collector finds them unreachable, and a
 * loop that makes and drops handles allocates too little heap to make it look. So, as the JDK does
 * for direct buffers, making or attaching a segment while more than {@link #GC_AFTER_SEGMENTS}
 * segments or {@link #GC_AFTER_BYTES} bytes have been mapped since the last collection asks for
 * one ({@link #mapped}). A pool's worker, which allocates too little for either, asks for one when
 * it is idle and has mapped segments since it last asked ({@link #segmentsWatched}).
 */
final class SegmentLifetime implements Runnable {
    /** Segments mapped since the last requested collection that trigger the next. */
    static final int GC_AFTER_SEGMENTS = 1024;
    /** Bytes mapped since the last requested collection that trigger the next. */
    static final long GC_AFTER_BYTES = 256L << 20;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicInteger segmentsSinceGc = new AtomicInteger();
    private static final AtomicLong bytesSinceGc = new AtomicLong();
    /** Segments this process has mapped, ever. */
    private static final AtomicLong watched = new AtomicLong();

    private final String name;
    private final MemorySegment header;
    private volatile boolean pinned;
    private volatile boolean retired;
    /** Launches of running children that carry the descriptor ({@link LaunchPins}). */
    private final AtomicInteger launches = new AtomicInteger();
    /** The descriptor went into a pool's task, which held the segment until its result came back. */
    private volatile boolean heldByTask;

    private SegmentLifetime(String name, MemorySegment header) {
        this.name = name;
        this.header = header;
    }

    /** Watches {@code segment}, whose memory is {@code memory}; returns the action, to pin it by. */
    static SegmentLifetime watch(SharedSegment segment, String name, MemorySegment memory) {
        SegmentLifetime lifetime = new SegmentLifetime(name, memory.asSlice(0, SharedLayout.Header.SIZE));
        CLEANER.register(segment, lifetime);
        mapped(memory.byteSize());
        return lifetime;
    }

    /**
     * This process wrote the segment's descriptor where anyone may read it: it stays a user until it
     * exits, and marks the header, so that a launch or a task that brought the segment here pins it
     * too. The mark is written once: later writers only read it, and its cache line stays shared.
     */
    void pinAndMarkSent() {
        pinned = true;
        if (!sentOn()) {
            Atomics.INT.setVolatile(header, (long) SharedLayout.Header.DESCRIPTOR_SENT_OFFSET, 1);
        }
    }

    /** True once some process wrote the descriptor where anyone may read it ({@link #pinAndMarkSent}). */
    private boolean sentOn() {
        return (int) Atomics.INT.getVolatile(header, (long) SharedLayout.Header.DESCRIPTOR_SENT_OFFSET) != 0;
    }

    void heldByTask() {
        heldByTask = true;
    }

    /**
     * This process wrote the descriptor into a frame of a queue or a pipe: counted in flight until a
     * reader takes the frame, and marked as sent, so that a launch or a task that brought it here
     * pins it as before.
     */
    void countSent() {
        Atomics.INT.getAndAdd(header, (long) SharedLayout.Header.IN_FLIGHT_OFFSET, 1);
        if (!sentOn()) {
            Atomics.INT.setVolatile(header, (long) SharedLayout.Header.DESCRIPTOR_SENT_OFFSET, 1);
        }
    }

    /** A frame naming the segment was taken (its reader is a user now), or did not go out. */
    void countOff() {
        Atomics.INT.getAndAdd(header, (long) SharedLayout.Header.IN_FLIGHT_OFFSET, -1);
    }

    private boolean framesInFlight() {
        return SharedSegment.hasFramesInFlight(header);
    }

    /** A launch carries the descriptor to a child, which has not ended yet. */
    void launchStarted() {
        launches.incrementAndGet();
    }

    /** The child that read a launch carrying the descriptor has ended: pinned if it was sent on meanwhile. */
    void launchEnded() {
        if (sentOn()) {
            pinned = true;
        }
        launches.decrementAndGet();
    }

    /** True while another process may attach from a descriptor this one wrote. */
    boolean pinned() {
        return pinned || launches.get() > 0;
    }

    /** The owner is done with the segment, and so is everyone it gave the descriptor to: leave it now. */
    void retire() {
        retired = true;
        leave();
    }

    /** The number of segments this process has mapped so far, made or attached. */
    static long segmentsWatched() {
        return watched.get();
    }

    /** Counts a new mapping; asks for a collection once many were made since the last one. */
    private static void mapped(long bytes) {
        watched.incrementAndGet();
        int segments = segmentsSinceGc.incrementAndGet();
        long total = bytesSinceGc.addAndGet(bytes);
        if (segments > GC_AFTER_SEGMENTS || total > GC_AFTER_BYTES) {
            segmentsSinceGc.set(0);
            bytesSinceGc.set(0);
            System.gc();
        }
    }

    /** Runs once the segment object is unreachable: on the cleaner's thread, or at exit, never twice. */
    @Override
    public void run() {
        if (!SharedSegment.forget(name) || pinned || retired) {
            // mapped again meanwhile, or its descriptor is out there, or left already; no launch
            // holds it, since a launch holds the segment object, which is unreachable
            return;
        }
        if (heldByTask && sentOn()) {
            return; // a worker sent on what a task of this process gave it: stay, as a sender does
        }
        leave();
    }

    /**
     * Leaves the segment's user slots, and deletes its file if no live user is left and no frame
     * naming it is waiting to be taken (then its taker, or the tracker, deletes it later).
     */
    private void leave() {
        try {
            ProcessSlots.unregister(header, SharedLayout.Header.USER_SLOTS_OFFSET, SharedLayout.Header.USER_SLOTS);
            if (ProcessSlots.state(header, SharedLayout.Header.USER_SLOTS_OFFSET, SharedLayout.Header.USER_SLOTS)
                    != ProcessSlots.State.ALIVE && !framesInFlight()) {
                Files.deleteIfExists(SharedSegment.DIRECTORY.resolve(name));
            }
        } catch (IOException | RuntimeException e) {
            // the tracker deletes it once no user is alive
        }
    }
}
