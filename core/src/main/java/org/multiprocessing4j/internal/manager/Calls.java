package org.multiprocessing4j.internal.manager;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.lang.reflect.Method;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.multiprocessing4j.internal.shm.CountedSends;
import org.multiprocessing4j.internal.wire.Codec;

/**
 * The bytes of a call to a manager's object and of its reply.
 *
 * <pre>
 * call:  long object id | UTF method key ({@link #key}) | int argument count | per argument: int length, Codec bytes
 * reply: byte VALUE or THROWN | Codec bytes of the value or of the exception
 * first message on a channel, unanswered: long {@link #SESSION} | long the session's id
 * </pre>
 * Object id {@link #MANAGER} is the manager itself ({@link ManagerServer}'s own operations).
 */
public final class Calls {
    /** The id that names the manager itself rather than one of its objects. */
    public static final long MANAGER = 0;
    /** What the first message on a channel begins with, where a call has an object id. */
    static final long SESSION = -1;
    private static final int SESSION_MESSAGE = 2 * Long.BYTES;
    static final byte VALUE = 0;
    static final byte THROWN = 1;
    /** The most arguments a call carries: more is a damaged or hostile frame. */
    static final int MAX_ARGUMENTS = 255;
    /**
     * Each method key's bytes, made once: a call is made in the hot loop of a fresh process, which
     * runs it interpreted at first. The keys are a proxy's interface methods and the manager's own
     * operations, so the map stays small.
     */
    private static final Map<String, byte[]> KEY_BYTES = new ConcurrentHashMap<>();

    private Calls() {}

    /** A decoded call. */
    record Call(long objectId, String method, Object[] arguments) {}

    /** A method's key on the wire: its name and parameter types, as both sides compute it. */
    static String key(Method method) {
        return method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /**
     * A call's bytes. A call is read once, by the server's thread for the caller's session, so the
     * handles in its arguments are counted as sent rather than pinned ({@link CountedSends}): a
     * client that gives a server a new queue for each request does not keep each one's file until
     * it ends. A call encoded is taken to go out: one that never reaches its server keeps its
     * segments until the tree's root ends.
     *
     * @throws IllegalArgumentException if an argument cannot be serialized; then nothing is counted
     */
    static byte[] call(long objectId, String method, Object[] arguments) {
        byte[] key = KEY_BYTES.computeIfAbsent(method, Calls::modifiedUtf8);
        int count = arguments == null ? 0 : arguments.length;
        byte[][] encoded = new byte[count][];
        int length = Long.BYTES + Short.BYTES + key.length + Integer.BYTES;
        int counted = CountedSends.beginSend(mayHoldHandles(arguments));
        boolean done = false;
        try {
            for (int i = 0; i < count; i++) {
                encoded[i] = argument(arguments[i], i, method);
                length += Integer.BYTES + encoded[i].length;
            }
            done = true;
        } finally {
            CountedSends.endSend(counted);
            CountedSends.settle(counted, done);
        }
        // Big-endian, as DataInputStream reads it in readCall.
        ByteBuffer frame = ByteBuffer.allocate(length).putLong(objectId).putShort((short) key.length).put(key).putInt(count);
        for (byte[] argument : encoded) {
            frame.putInt(argument.length).put(argument);
        }
        return frame.array();
    }

    private static boolean mayHoldHandles(Object[] arguments) {
        if (arguments != null) {
            for (Object argument : arguments) {
                if (Codec.mayHoldHandles(argument)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An argument's encoding; the words that name it in an error are made only for a value that needs them. */
    private static byte[] argument(Object value, int index, String method) {
        byte[] compact = Codec.encodeCompact(value);
        return compact != null ? compact : Codec.encode(value, "argument " + index + " of " + method + " on a manager's object");
    }

    /** A method key as {@code writeUTF} writes it, length first, which {@code readUTF} reads in {@link #readCall}. */
    private static byte[] modifiedUtf8(String method) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 + method.length());
        try {
            new DataOutputStream(bytes).writeUTF(method);
        } catch (IOException e) {
            throw new IllegalArgumentException("a method key longer than 65,535 bytes: " + method.substring(0, 80), e);
        }
        return Arrays.copyOfRange(bytes.toByteArray(), Short.BYTES, bytes.size());
    }

    /**
     * The call {@code frame} holds. It is read through a buffer, not a {@code DataInputStream}, whose
     * every read goes through a synchronized {@code ByteArrayInputStream}: a fresh server runs its
     * first calls interpreted, and this read was half the samples of its handling of a call in one
     * profile of a fresh server.
     *
     * @throws IOException if the frame is cut short or malformed
     */
    static Call readCall(byte[] frame) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(frame);
        try {
            long objectId = in.getLong();
            String method = readKey(in);
            int count = in.getInt();
            if (count < 0 || count > MAX_ARGUMENTS) {
                throw new StreamCorruptedException("a call with " + count + " arguments");
            }
            Object[] arguments = new Object[count];
            for (int i = 0; i < count; i++) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new StreamCorruptedException("argument " + i + " says it has " + length + " bytes");
                }
                byte[] argument = new byte[length];
                in.get(argument);
                arguments[i] = Codec.decodeTaken(argument); // a call is read once: see call
            }
            return new Call(objectId, method, arguments);
        } catch (BufferUnderflowException e) {
            throw new EOFException("a call of " + frame.length + " bytes is cut short");
        }
    }

    /**
     * A method key, as {@code writeUTF} wrote it ({@link #modifiedUtf8}, length first). A key is
     * made of a method's and its parameter types' names, which are ASCII, where modified UTF-8 is
     * one byte a character; any other is decoded by {@code readUTF}.
     *
     * @throws BufferUnderflowException if the frame ends within the key, as a read past its end does
     */
    private static String readKey(ByteBuffer in) throws IOException {
        int start = in.position();
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] frame = in.array();
        int from = start + Short.BYTES;
        for (int i = from; i < from + length; i++) {
            if (frame[i] < 0) {
                in.position(from + length);
                return new DataInputStream(new ByteArrayInputStream(frame, start, Short.BYTES + length)).readUTF();
            }
        }
        in.position(from + length);
        return new String(frame, from, length, StandardCharsets.ISO_8859_1);
    }

    /** The first message on a channel: the id by which the client names its session to the server. */
    static byte[] session(long id) {
        return ByteBuffer.allocate(SESSION_MESSAGE).putLong(SESSION).putLong(id).array();
    }

    /**
     * The session id a channel's first message names.
     *
     * @throws StreamCorruptedException if it is not a session's first message
     */
    static long readSession(byte[] message) throws StreamCorruptedException {
        ByteBuffer in = ByteBuffer.wrap(message);
        if (message.length != SESSION_MESSAGE || in.getLong() != SESSION) {
            throw new StreamCorruptedException("a channel to a manager that does not begin by naming its session");
        }
        return in.getLong();
    }

    static byte[] reply(byte status, byte[] encoded) {
        byte[] reply = new byte[1 + encoded.length];
        reply[0] = status;
        System.arraycopy(encoded, 0, reply, 1, encoded.length);
        return reply;
    }

    /** The value a reply carries, or the exception it carries thrown. */
    static Object readReply(byte[] reply) throws Throwable {
        if (reply.length < 1 || (reply[0] != VALUE && reply[0] != THROWN)) {
            throw new StreamCorruptedException("a manager's reply begins with " + (reply.length < 1 ? "nothing" : reply[0]));
        }
        Object decoded = Codec.decodeTaken(Arrays.copyOfRange(reply, 1, reply.length)); // read once: see encodeReply
        if (reply[0] == THROWN) {
            throw (Throwable) decoded;
        }
        return decoded;
    }
}
