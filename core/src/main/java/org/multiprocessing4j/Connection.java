package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.wire.Codec;

/**
 * One end of a {@link Pipe}, Python's {@code multiprocessing.connection.Connection}: messages go out
 * through one ring in shared memory and come in through the other (a one-way pipe has one of the
 * two). A Connection is {@link Serializable}: send it to a child in a task and it is the same end
 * there.
 *
 * <p>An end is closed for everyone when any process calls {@link #close()} on it, or when every
 * process that held it has died; a process holds an end once it has received it or sent on it, so
 * a parent that keeps a copy of the child's end without using it does not keep it open. Once the
 * other end is closed and everything it sent has been read, {@link #recv()} throws
 * {@link EOFException}.
 */
public final class Connection implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final long MAX_BACKOFF_NANOS = 1_000_000;
    private static final long MIN_BACKOFF_NANOS = 20_000;

    private final MessageRing in;
    private final MessageRing out;
    private transient volatile boolean closed;
    private transient volatile boolean holding;

    Connection(MessageRing in, MessageRing out) {
        this.in = in;
        this.out = out;
    }

    /** The copy a process reads from this end's compact form ({@code CompactForms}); it now holds the end. */
    private Connection(DataInputStream stream) throws IOException {
        this.in = stream.readBoolean() ? MessageRing.readFrom(stream) : null;
        this.out = stream.readBoolean() ? MessageRing.readFrom(stream) : null;
        hold();
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream stream) throws IOException {
        for (MessageRing ring : new MessageRing[] {in, out}) {
            stream.writeBoolean(ring != null);
            if (ring != null) {
                ring.writeTo(stream);
            }
        }
        return true;
    }

    /**
     * Sends {@code message}; blocks only while the pipe's ring is full of unread messages.
     *
     * @throws IllegalArgumentException naming the class if it cannot be serialized; nothing is sent
     * @throws IllegalStateException if this end is closed or receives only
     */
    public void send(Object message) {
        write(Codec.encode(message, "a message sent on a Connection"));
    }

    /** Sends the bytes as one message; the other end gets them whole from {@link #recvBytes()}. */
    public void sendBytes(byte[] bytes) {
        write(Codec.encode(bytes, "bytes")); // encoding copies: later changes to bytes are not sent
    }

    /**
     * Blocks until a message arrives and returns it.
     *
     * @throws EOFException if the other end is closed and everything it sent has been read
     * @throws IllegalStateException if this end is closed or sends only
     */
    public Object recv() throws EOFException {
        byte[] bytes = read();
        try {
            return Codec.decode(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a message: " + e.getMessage(), e);
        }
    }

    /** As {@link #recv()}, for a message sent with {@link #sendBytes}; for others, their encoded bytes. */
    public byte[] recvBytes() throws EOFException {
        return Codec.rawBytes(read());
    }

    /** True if a message is waiting or the other end is closed, so that recv would not block. */
    public boolean poll() {
        return readable().readable();
    }

    /** Waits at most {@code timeout} for {@link #poll()} to be true; zero or negative does not wait. */
    public boolean poll(Duration timeout) {
        try {
            return readable().awaitReadable(Deadline.after(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return readable().readable();
        }
    }

    /**
     * Closes this end for every process: the other end reads what was sent, then gets EOF.
     * Closing twice is fine.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (out != null) {
                out.closeSender();
            }
        }
    }

    /**
     * The connections in {@code connections} that are ready ({@link #poll()} true), waiting at most
     * {@code timeout} for one to be; Python's {@code connection.wait}. A zero or negative timeout
     * does not wait. Readiness is polled, with a back-off of at most a millisecond.
     *
     * @return the ready connections, empty if none became ready in time
     */
    public static List<Connection> waitAny(List<Connection> connections, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        long backoff = MIN_BACKOFF_NANOS;
        while (true) {
            List<Connection> ready = new ArrayList<>();
            for (Connection c : connections) {
                if (c.poll()) {
                    ready.add(c);
                }
            }
            if (!ready.isEmpty() || deadline.passed() || Thread.currentThread().isInterrupted()) {
                return ready;
            }
            LockSupport.parkNanos(Math.min(backoff, deadline.slice().toNanos()));
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        }
    }

    @Override
    public String toString() {
        return "<Connection(" + (in == null ? "write-only" : out == null ? "read-only" : "duplex")
                + (closed ? ", closed" : "") + ")>";
    }

    private void write(byte[] bytes) {
        checkOpen();
        if (out == null) {
            throw new IllegalStateException("connection is read-only");
        }
        hold();
        try {
            out.put(bytes, Deadline.never());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending", e);
        }
    }

    private byte[] read() throws EOFException {
        MessageRing ring = readable();
        try {
            return ring.take(Deadline.never());
        } catch (EOFException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while receiving", e);
        }
    }

    private MessageRing readable() {
        checkOpen();
        if (in == null) {
            throw new IllegalStateException("connection is write-only");
        }
        return in;
    }

    /**
     * Registers child process {@code pid}, to which this end is being given, as a holder: if it
     * dies, even before it could register itself, the other end sees this one closed.
     */
    void heldBy(long pid) {
        if (out != null) {
            out.registerSender(pid);
        }
    }

    /** Registers this process as a holder of this end, once. */
    private void hold() {
        if (!holding && out != null) {
            out.registerSender();
            holding = true;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("handle is closed");
        }
    }

    @Serial
    private void readObject(ObjectInputStream stream) throws IOException, ClassNotFoundException {
        stream.defaultReadObject();
        hold(); // received: this process now holds the end
    }
}
