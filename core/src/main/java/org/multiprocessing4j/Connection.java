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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import org.multiprocessing4j.internal.HandleAccess;
import org.multiprocessing4j.internal.shm.CountedSends;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.wire.Codec;

/**
 * One end of a {@link Pipe}, Python's {@code multiprocessing.connection.Connection}: messages go out
 * through one ring in shared memory and come in through the other (a one-way pipe has one of the
 * two). A Connection is {@link Serializable}: send it to a child in a task and it is the same end
 * there.
 *
 * <p>An end is closed for everyone when any process calls {@link #close()} on it, or when every
 * process that held it has died; a process holds an end once it has received it (in a task or a
 * message) or sent or received on it, so a parent that keeps a copy of the child's end without
 * using it does not keep it open. Once the other end is closed and everything it sent has been
 * read, {@link #recv()} throws {@link EOFException}; once nobody can receive what this end sends,
 * {@link #send} throws {@link BrokenPipeException}. At most {@value #MAX_HOLDERS}
 * live processes may hold an end at once; {@link Process#start()} refuses to make one more.
 *
 * <pre>{@code
 * Pipe pipe = Pipe.open();
 * Connection child = pipe.second();
 * new Process(() -> child.send("hello from " + Multiprocessing.currentProcess().name())).start();
 * String greeting = (String) pipe.first().recv();
 * }</pre>
 */
public final class Connection implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** How many live processes may hold one end at once. */
    public static final int MAX_HOLDERS = SharedLayout.Ring.HOLDER_SLOTS;
    private static final long MAX_BACKOFF_NANOS = 1_000_000;
    private static final long MIN_BACKOFF_NANOS = 20_000;

    /** The ring this end receives from; null if it only sends. */
    private final MessageRing in;
    /** The ring this end sends into; null if it only receives. */
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

    /** The end that {@link #writeTo} wrote, in this process, which now holds it. */
    static Connection readFrom(DataInputStream stream) throws IOException {
        return new Connection(stream);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream stream) throws IOException {
        writeTo(stream);
        return true;
    }

    /** Writes where this end is, for the reading constructor; part of the compact form of what holds it. */
    void writeTo(DataOutputStream stream) throws IOException {
        for (MessageRing ring : new MessageRing[] {in, out}) {
            stream.writeBoolean(ring != null);
            if (ring != null) {
                ring.writeTo(stream);
            }
        }
    }

    /**
     * Sends {@code message}; blocks only while the pipe's ring is full of unread messages, and then
     * not for ever: it throws once nobody can receive any more. A message larger than a quarter of
     * the ring goes through a file beside it, and its send also waits, a few seconds at most, for a
     * receiver that is copying out an earlier one, rather than take fresh memory for it.
     *
     * @param message what to send: null, a value with a compact form, a handle, or anything the
     *     serializer in use takes
     * @throws BrokenPipeException if the other end is closed, or every process that held it has
     *     died (seen within 50 ms while this waits); nothing is sent
     * @throws IllegalArgumentException naming the class if it cannot be serialized; nothing is sent
     * @throws IllegalStateException if this end is closed or receives only, or if the thread is
     *     interrupted while it waits for room (the interrupt status is kept; nothing is sent)
     */
    public void send(Object message) throws BrokenPipeException {
        // A message is received once: the handles in it are counted as sent rather than pinned, and
        // taken back if it did not go out.
        int counted = CountedSends.beginSend(Codec.mayHoldHandles(message));
        boolean sent = false;
        try {
            Codec.Parts encoded;
            try {
                encoded = Codec.encodeParts(message, "a message sent on a Connection");
            } finally {
                CountedSends.endSend(counted);
            }
            write(encoded);
            sent = true;
        } finally {
            CountedSends.settle(counted, sent);
        }
    }

    /**
     * Sends the bytes as one message; the other end gets them whole from {@link #recvBytes()}.
     *
     * @param bytes the message, copied
     * @throws NullPointerException if {@code bytes} is null (Python's {@code TypeError}); nothing is sent
     * @throws BrokenPipeException as {@link #send}
     */
    public void sendBytes(byte[] bytes) throws BrokenPipeException {
        Objects.requireNonNull(bytes, "bytes");
        write(Codec.encodeParts(bytes, "bytes")); // copied into the ring or its spill file before this returns
    }

    /**
     * Sends the bytes of {@code bytes} from {@code offset} to its end as one message; Python's
     * {@code send_bytes(buf, offset)}.
     *
     * @param bytes the array the message is in, copied
     * @param offset where the message begins in it
     * @throws IndexOutOfBoundsException if {@code offset} is negative or past the end of the array;
     *     nothing is sent
     * @throws NullPointerException if {@code bytes} is null; nothing is sent
     * @throws BrokenPipeException as {@link #send}
     */
    public void sendBytes(byte[] bytes, int offset) throws BrokenPipeException {
        Objects.requireNonNull(bytes, "bytes");
        sendBytes(bytes, offset, bytes.length - Objects.checkIndex(offset, bytes.length + 1));
    }

    /**
     * Sends {@code size} bytes of {@code bytes} from {@code offset} as one message; Python's
     * {@code send_bytes(buf, offset, size)}. An empty message is allowed.
     *
     * @param bytes the array the message is in, copied
     * @param offset where the message begins in it
     * @param size how many bytes the message has
     * @throws IndexOutOfBoundsException if {@code offset} or {@code size} is negative, or the range
     *     ends past the array (Python's {@code ValueError}); nothing is sent
     * @throws NullPointerException if {@code bytes} is null; nothing is sent
     * @throws BrokenPipeException as {@link #send}
     */
    public void sendBytes(byte[] bytes, int offset, int size) throws BrokenPipeException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, size, bytes.length);
        sendBytes(offset == 0 && size == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + size));
    }

    /**
     * Blocks until a message arrives and returns it.
     *
     * @return the message
     * @throws EOFException if the other end is closed and everything it sent has been read
     * @throws IllegalStateException if this end is closed or sends only
     */
    public Object recv() throws EOFException {
        Object message = read();
        try {
            return Codec.decodeTaken(message);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a message: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #recv()}, for a message sent with {@link #sendBytes}; for others, their encoded bytes.
     *
     * @return the message's bytes
     * @throws EOFException if the other end is closed and everything it sent has been read
     */
    public byte[] recvBytes() throws EOFException {
        return Codec.rawBytes(read());
    }

    /**
     * Receives a message, as {@link #recvBytes()}, into {@code buffer} from {@code offset} on;
     * Python's {@code recv_bytes_into(buf, offset)}.
     *
     * @param buffer where the message goes
     * @param offset where in {@code buffer} it begins
     * @return the message's length in bytes
     * @throws BufferTooShortException if it does not fit from {@code offset} on: it was received,
     *     and the exception holds it, whole; {@code buffer} is not written
     * @throws IndexOutOfBoundsException if {@code offset} is negative or past the end of
     *     {@code buffer}; nothing is received
     * @throws EOFException if the other end is closed and everything it sent has been read
     */
    public int recvBytesInto(byte[] buffer, int offset) throws EOFException, BufferTooShortException {
        Objects.requireNonNull(buffer, "buffer");
        Objects.checkIndex(offset, buffer.length + 1);
        byte[] message = recvBytes();
        int room = buffer.length - offset;
        if (message.length > room) {
            throw new BufferTooShortException(message, room);
        }
        System.arraycopy(message, 0, buffer, offset, message.length);
        return message.length;
    }

    /**
     * Whether this end receives: Python's {@code readable}.
     *
     * @return true unless this is the sending end of a one-way pipe
     */
    public boolean isReadable() {
        return in != null;
    }

    /**
     * Whether this end sends: Python's {@code writable}.
     *
     * @return true unless this is the receiving end of a one-way pipe
     */
    public boolean isWritable() {
        return out != null;
    }

    /**
     * Whether this process has closed this end: Python's {@code closed}.
     *
     * @return true once {@link #close()} was called on it here
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * True if a message is waiting or the other end is closed, so that recv would not block.
     *
     * @return whether {@link #recv()} would return at once
     * @throws IllegalStateException if this end is closed or sends only
     */
    public boolean poll() {
        return readable().readable();
    }

    /**
     * Waits at most {@code timeout} for {@link #poll()} to be true; zero or negative does not wait.
     * An interrupt ends the wait early, and is kept.
     *
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return whether {@link #recv()} would return at once
     * @throws IllegalStateException if this end is closed or sends only
     */
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
     * Closing twice is fine. Once both ends are closed, nobody can use the pipe again, so whichever
     * closes last deletes its shared memory file, even if its descriptor went to other processes:
     * their handles are closed already.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (out != null) {
                out.close(MessageRing.End.SENDING);
            }
            if (in != null) {
                in.close(MessageRing.End.RECEIVING);
            }
            if ((out == null || out.closedForEveryone()) && (in == null || in.closedForEveryone())) {
                anyRing().deleteSegment();
            }
        }
    }

    static {
        HandleAccess.setConnections(Connection::retire);
    }

    /** See {@link HandleAccess.Connections#retire}. */
    private void retire() {
        close();
        anyRing().retire();
    }

    /** One of this end's rings: a pipe's rings share one segment. */
    private MessageRing anyRing() {
        return in != null ? in : out;
    }

    /**
     * The connections in {@code connections} that are ready ({@link #poll()} true), waiting at most
     * {@code timeout} for one to be; Python's {@code connection.wait}. A zero or negative timeout
     * does not wait. Readiness is polled, with a back-off of at most a millisecond.
     *
     * @param connections the connections to watch; each must receive
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
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

    private void write(Codec.Parts message) throws BrokenPipeException {
        checkOpen();
        if (out == null) {
            throw new IllegalStateException("connection is read-only");
        }
        hold();
        checkReceiverThere();
        try {
            // When the ring is full, wait in slices, so that a receiver that goes meanwhile is noticed.
            // A large message may wait for a receiver to free a spill file, which is bounded apart.
            if (!out.put(message.head(), message.body(), Deadline.immediate(), Deadline.never())) {
                while (!out.put(message.head(), message.body(), Deadline.after(Deadline.SLICE), Deadline.never())) {
                    checkReceiverThere();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending", e);
        }
    }

    /** The next message as {@link Codec#MESSAGES} reads it. */
    private Object read() throws EOFException {
        MessageRing ring = readable();
        try {
            return ring.take(Deadline.never(), Codec.MESSAGES);
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
        hold();
        return in;
    }

    private void checkReceiverThere() throws BrokenPipeException {
        if (out.goneLookedUpNow(MessageRing.End.RECEIVING)) {
            throw new BrokenPipeException(out.closed(MessageRing.End.RECEIVING)
                    ? "the other end of the pipe is closed"
                    : "every process that held the other end of the pipe has died");
        }
    }

    /**
     * Registers child process {@code pid}, to which this end is being given, as a holder: if it
     * dies, even before it could register itself, the other end sees this one gone.
     *
     * @throws IllegalStateException if the end already has as many live holders as it can record
     */
    void heldBy(long pid) {
        if (out != null) {
            out.register(MessageRing.End.SENDING, pid);
        }
        if (in != null) {
            in.register(MessageRing.End.RECEIVING, pid);
        }
    }

    /** True if one more process could hold this end now; {@link Process#start()} asks before it starts one. */
    boolean hasRoomForHolder() {
        return (out == null || out.hasRoomForHolder(MessageRing.End.SENDING))
                && (in == null || in.hasRoomForHolder(MessageRing.End.RECEIVING));
    }

    /**
     * Registers this process as a holder of this end, once.
     *
     * @throws IllegalStateException if the end already has as many live holders as it can record
     */
    private void hold() {
        if (!holding) {
            if (out != null) {
                out.register(MessageRing.End.SENDING);
            }
            if (in != null) {
                in.register(MessageRing.End.RECEIVING);
            }
            holding = true;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("handle is closed");
        }
    }

    /**
     * Received through Java serialization: this process now holds the end.
     *
     * @param stream the stream
     * @throws IOException as {@link ObjectInputStream#defaultReadObject}
     * @throws ClassNotFoundException as {@link ObjectInputStream#defaultReadObject}
     */
    @Serial
    private void readObject(ObjectInputStream stream) throws IOException, ClassNotFoundException {
        stream.defaultReadObject();
        hold(); // received: this process now holds the end
    }

    /** Handles are equal when they refer to the same shared end of a pipe, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Connection other && Objects.equals(in, other.in) && Objects.equals(out, other.out);
    }

    @Override
    public int hashCode() {
        return Objects.hash(in, out);
    }

}
