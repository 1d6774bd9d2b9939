package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * A pair of connected {@link Connection}s, Python's {@code multiprocessing.Pipe()}: one segment of
 * shared memory with a ring per direction. A Pipe is {@link Serializable}, as its ends are: a
 * process that receives it (a task that captures it, say) holds both ends, as a Python child given
 * both ends of a pipe does.
 */
public final class Pipe implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** Bytes of each direction's ring. */
    public static final int CAPACITY = 1 << 20;

    /** The first end. */
    private final Connection first;
    /** The second end. */
    private final Connection second;

    private Pipe(Connection first, Connection second) {
        this.first = first;
        this.second = second;
    }

    /** The copy a process reads from this pipe's compact form ({@code CompactForms}); it holds both ends. */
    private Pipe(DataInputStream in) throws IOException {
        this(Connection.readFrom(in), Connection.readFrom(in));
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        first.writeTo(out);
        second.writeTo(out);
        return true;
    }

    /**
     * A duplex pipe: each end sends and receives.
     *
     * @return the pipe
     */
    public static Pipe open() {
        return open(true);
    }

    /**
     * A pipe; with {@code duplex} false, {@link #first()} only receives and {@link #second()} only
     * sends, as Python's {@code Pipe(duplex=False)}.
     *
     * @param duplex whether both ends send and receive
     * @return the pipe
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

    /**
     * The first end: Python's {@code Pipe()[0]}; it only receives in a one-way pipe.
     *
     * @return the first end
     */
    public Connection first() {
        return first;
    }

    /**
     * The second end: Python's {@code Pipe()[1]}; it only sends in a one-way pipe.
     *
     * @return the second end
     */
    public Connection second() {
        return second;
    }

    /** Pipes are equal when their ends are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Pipe other && first.equals(other.first) && second.equals(other.second);
    }

    @Override
    public int hashCode() {
        return 31 * first.hashCode() + second.hashCode();
    }

    @Override
    public String toString() {
        return "<Pipe(" + first + ", " + second + ")>";
    }
}
