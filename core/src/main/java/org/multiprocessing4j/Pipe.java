package org.multiprocessing4j;

import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * A pair of connected {@link Connection}s, Python's {@code multiprocessing.Pipe()}: one segment of
 * shared memory with a ring per direction.
 */
public final class Pipe {
    /** Bytes of each direction's ring. */
    public static final int CAPACITY = 1 << 20;

    private final Connection first;
    private final Connection second;

    private Pipe(Connection first, Connection second) {
        this.first = first;
        this.second = second;
    }

    /** A duplex pipe: each end sends and receives. */
    public static Pipe open() {
        return open(true);
    }

    /**
     * A pipe; with {@code duplex} false, {@link #first()} only receives and {@link #second()} only
     * sends, as Python's {@code Pipe(duplex=False)}.
     */
    public static Pipe open(boolean duplex) {
        int rings = duplex ? 2 : 1;
        long ringSize = SharedLayout.Ring.size(CAPACITY);
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_PIPE, rings * ringSize);
        MessageRing toFirst = new MessageRing(segment, SharedLayout.Header.SIZE);
        toFirst.initialize(CAPACITY, 0, false);
        if (!duplex) {
            return new Pipe(new Connection(toFirst, null), new Connection(null, toFirst));
        }
        MessageRing toSecond = new MessageRing(segment, SharedLayout.Header.SIZE + ringSize);
        toSecond.initialize(CAPACITY, 0, false);
        return new Pipe(new Connection(toFirst, toSecond), new Connection(toSecond, toFirst));
    }

    public Connection first() {
        return first;
    }

    public Connection second() {
        return second;
    }
}
