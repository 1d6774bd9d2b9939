package org.multiprocessing4j.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.multiprocessing4j.internal.shm.CountedSends;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.MessageRing;

/**
 * How items are turned into bytes for queues and pipes: a one-byte tag, then the value. The common
 * types (null, boxed primitives, String, byte[] and primitive arrays) and the library's own handles
 * ({@link CompactForms}) have a compact form of their own; anything else is
 * {@link java.io.Serializable} and goes through {@link JavaSerialization}, whose reads pass the
 * {@link SerialFilter}, or through a plugged-in serializer. All numbers are big-endian.
 */
public final class Codec {
    static final byte NULL = 0;
    static final byte INT = 1;
    static final byte LONG = 2;
    static final byte DOUBLE = 3;
    static final byte FLOAT = 4;
    static final byte SHORT = 5;
    static final byte BYTE = 6;
    static final byte CHAR = 7;
    static final byte BOOLEAN = 8;
    static final byte STRING = 9;
    static final byte BYTES = 10;
    static final byte INTS = 11;
    static final byte LONGS = 12;
    static final byte DOUBLES = 13;
    public static final byte COMPACT_OBJECT = 14;
    public static final byte SERIALIZED = 20;
    static final byte CUSTOM = 21;
    private static final int TAG = 1;
    private static final byte[] NO_HEAD = {};
    private static final byte[] BYTES_HEAD = {BYTES};
    private static final byte[] SERIALIZED_HEAD = {SERIALIZED};
    private static final byte[] CUSTOM_HEAD = {CUSTOM};

    /** A serializer plugged in for the values without a compact form; null for Java serialization. */
    public interface ObjectSerializer {
        byte[] serialize(Object value);

        Object deserialize(byte[] bytes) throws IOException;
    }

    private static volatile ObjectSerializer custom;

    /** The classes of the values that {@link #encodeCompact} writes with a tag of their own, null aside. */
    private static final Set<Class<?>> PLAIN_TYPES = Set.of(Integer.class, Long.class, String.class, byte[].class,
            Double.class, Float.class, Short.class, Byte.class, Character.class, Boolean.class, int[].class, long[].class,
            double[].class);

    private Codec() {}

    /** Uses {@code serializer} for values without a compact form, in this process; null restores Java serialization. */
    public static void setSerializer(ObjectSerializer serializer) {
        custom = serializer;
    }

    /**
     * The bytes of {@code value}.
     *
     * @param what names the value in an error, e.g. {@code "an item put on a Queue"}
     * @throws IllegalArgumentException naming the class if the value cannot be serialized
     */
    public static byte[] encode(Object value, String what) {
        byte[] compact = encodeCompact(value);
        return compact != null ? compact : encodeSerialized(value, what).joined();
    }

    /**
     * The bytes of {@code value} in two parts whose concatenation is {@link #encode}'s: a byte[] and
     * a serialized value as their tag and their body, the body not copied, so that a large one goes
     * into a spill file as it is ({@link MessageRing#put(byte[], byte[], Deadline)}); any other
     * value as no head and its encoding.
     *
     * @throws IllegalArgumentException naming the class if the value cannot be serialized
     */
    public static Parts encodeParts(Object value, String what) {
        if (value instanceof byte[] bytes) {
            return new Parts(BYTES_HEAD, bytes);
        }
        byte[] compact = encodeCompact(value);
        return compact != null ? new Parts(NO_HEAD, compact) : encodeSerialized(value, what);
    }

    /** A value without a compact form, through Java serialization or the plugged-in serializer. */
    private static Parts encodeSerialized(Object value, String what) {
        ObjectSerializer serializer = custom;
        return serializer == null
                ? new Parts(SERIALIZED_HEAD, JavaSerialization.toBytes(value, what))
                : new Parts(CUSTOM_HEAD, serializer.serialize(value));
    }

    /**
     * An encoding in two parts, {@code head} then {@code body}, which callers only read.
     *
     * @param head a tag, or nothing
     * @param body the rest
     */
    public record Parts(byte[] head, byte[] body) {
        /** The encoding whole: the body itself when there is no head. */
        byte[] joined() {
            return head.length == 0 ? body : tagged(head[0], body);
        }
    }

    /**
     * A message as a queue or a pipe reads it: its encoding, or, for a byte[] that came through a
     * spill file, the byte[] itself, copied from the file straight into the array the reader gets
     * ({@link Raw}); {@link #decode(Object)} and {@link #rawBytes(Object)} take either.
     */
    public static final MessageRing.Reader<Object> MESSAGES = new MessageRing.Reader<>() {
        @Override
        public Object frame(byte[] message) {
            return message;
        }

        @Override
        public Object spilled(MessageRing.SpilledMessage message) throws IOException {
            if (message.length() == 0) {
                throw new CorruptFrameException("corrupt queue frame: its spill file holds no message");
            }
            byte[] tag = new byte[TAG];
            message.copyTo(0, tag, 0, TAG);
            return tag[0] == BYTES ? new Raw(message.bytesFrom(TAG)) : message.bytesFrom(0);
        }
    };

    /** A byte[] message already decoded ({@link #MESSAGES}). */
    record Raw(byte[] bytes) {}

    /**
     * The value of a message as {@link #MESSAGES} reads it.
     *
     * @throws IOException as {@link #decode(byte[])}
     */
    public static Object decode(Object message) throws IOException {
        return message instanceof Raw raw ? raw.bytes() : decode((byte[]) message);
    }

    /**
     * As {@link #encode(Object, String)}, for a frame that one reader takes and reads with
     * {@link #decodeTaken}: the handles in it are counted as sent rather than pinned
     * ({@link CountedSends}), and nothing is counted if it cannot be encoded. The frame is taken to
     * go out once encoded: one that never reaches its reader keeps its segments until the tree's
     * root ends.
     *
     * @throws IllegalArgumentException as {@link #encode(Object, String)}
     */
    public static byte[] encodeTaken(Object value, String what) {
        int counted = CountedSends.beginSend(mayHoldHandles(value));
        byte[] bytes = null;
        try {
            bytes = encode(value, what);
            return bytes;
        } finally {
            CountedSends.endSend(counted);
            CountedSends.settle(counted, bytes != null);
        }
    }

    /**
     * False for a value that cannot hold a handle (null, a boxed primitive, a String, a primitive
     * array), so that a queue or a pipe need not count its handles ({@link CountedSends}) on the
     * path of the commonest items.
     */
    public static boolean mayHoldHandles(Object value) {
        return !(value == null || value instanceof Integer || value instanceof Long || value instanceof String
                || value instanceof byte[] || value instanceof Double || value instanceof Boolean
                || value instanceof int[] || value instanceof long[] || value instanceof double[]);
    }

    /**
     * As {@link #decode(Object)}, for a message taken from a queue or a pipe, which nobody reads
     * again: the handles in it count off what their sender counted ({@link CountedSends}).
     */
    public static Object decodeTaken(Object message) throws IOException {
        if (!messageMayHoldHandles(message)) {
            return decode(message);
        }
        CountedSends.beginReceive();
        try {
            return decode(message);
        } finally {
            CountedSends.endReceive();
        }
    }

    /** As {@link #mayHoldHandles}, for a message as {@link #MESSAGES} reads it: only objects may. */
    private static boolean messageMayHoldHandles(Object message) {
        if (message instanceof Raw) {
            return false;
        }
        byte tag = ((byte[]) message)[0];
        return tag == COMPACT_OBJECT || tag == SERIALIZED || tag == CUSTOM;
    }

    /** As {@link #rawBytes(byte[])}, for a message as {@link #MESSAGES} reads it. */
    public static byte[] rawBytes(Object message) {
        return message instanceof Raw raw ? raw.bytes() : rawBytes((byte[]) message);
    }

    /**
     * The bytes of {@code value}, never through the plugged-in serializer: for what a process reads
     * before it can know that serializer, such as a child's task.
     *
     * @throws IllegalArgumentException naming the class if the value cannot be serialized
     */
    public static byte[] encodeWithoutPluggedSerializer(Object value, String what) {
        byte[] compact = encodeCompact(value);
        return compact != null ? compact : tagged(SERIALIZED, JavaSerialization.toBytes(value, what));
    }

    /**
     * True if {@code value} is null or a value that {@link #encodeCompact} writes as such, not as an
     * object of the library's: a number, a character, a boolean, a string, or an array of bytes,
     * ints, longs or doubles. No handle can be in it.
     */
    public static boolean isPlain(Object value) {
        return value == null || PLAIN_TYPES.contains(value.getClass());
    }

    /**
     * The bytes of {@code value} in a compact form, which decoding reads without Java serialization
     * or a plugged-in serializer; null if it has none. The common types and the library's own
     * classes ({@link CompactForms}) have one.
     */
    public static byte[] encodeCompact(Object value) {
        // An instanceof chain, not a pattern switch: a type switch's bootstrap spins a class in
        // every child that sends anything, on the child's start-up path. The commonest types come
        // first, in a method small enough for a fresh process to compile at once.
        if (value instanceof Integer i) {
            return scalar(INT, i, Integer.BYTES);
        } else if (value instanceof Long l) {
            return scalar(LONG, l, Long.BYTES);
        } else if (value instanceof String s) {
            return tagged(STRING, s.getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof byte[] bytes) {
            return tagged(BYTES, bytes);
        }
        return encodeLessCommon(value);
    }

    private static byte[] encodeLessCommon(Object value) {
        if (value == null) {
            return new byte[] {NULL};
        } else if (value instanceof Double d) {
            return scalar(DOUBLE, Double.doubleToRawLongBits(d), Double.BYTES);
        } else if (value instanceof Float f) {
            return scalar(FLOAT, Float.floatToRawIntBits(f), Float.BYTES);
        } else if (value instanceof Short s) {
            return scalar(SHORT, s, Short.BYTES);
        } else if (value instanceof Byte b) {
            return new byte[] {BYTE, b};
        } else if (value instanceof Character c) {
            return scalar(CHAR, c, Character.BYTES);
        } else if (value instanceof Boolean b) {
            return new byte[] {BOOLEAN, (byte) (b ? 1 : 0)};
        } else if (value instanceof int[] ints) {
            ByteBuffer buf = ByteBuffer.allocate(TAG + ints.length * Integer.BYTES).put(INTS);
            buf.asIntBuffer().put(ints);
            return buf.array();
        } else if (value instanceof long[] longs) {
            ByteBuffer buf = ByteBuffer.allocate(TAG + longs.length * Long.BYTES).put(LONGS);
            buf.asLongBuffer().put(longs);
            return buf.array();
        } else if (value instanceof double[] doubles) {
            ByteBuffer buf = ByteBuffer.allocate(TAG + doubles.length * Double.BYTES).put(DOUBLES);
            buf.asDoubleBuffer().put(doubles);
            return buf.array();
        }
        byte[] body = CompactForms.encode(value);
        return body == null ? null : tagged(COMPACT_OBJECT, body);
    }

    /**
     * The value whose bytes these are.
     *
     * @throws StreamCorruptedException if the bytes are not an encoded value
     * @throws IOException if a serialized value's class is missing or rejected by the filter
     */
    public static Object decode(byte[] bytes) throws IOException {
        if (bytes.length < TAG) {
            throw new StreamCorruptedException("an encoded value has at least a tag byte");
        }
        return switch (bytes[0]) {
            case INT -> (int) scalar(bytes, Integer.BYTES);
            case LONG -> scalar(bytes, Long.BYTES);
            case STRING -> new String(bytes, TAG, bytes.length - TAG, StandardCharsets.UTF_8);
            case BYTES -> java.util.Arrays.copyOfRange(bytes, TAG, bytes.length);
            default -> decodeLessCommon(bytes);
        };
    }

    private static Object decodeLessCommon(byte[] bytes) throws IOException {
        try {
            return switch (bytes[0]) {
                case NULL -> null;
                case DOUBLE -> Double.longBitsToDouble(scalar(bytes, Double.BYTES));
                case FLOAT -> Float.intBitsToFloat((int) scalar(bytes, Float.BYTES));
                case SHORT -> (short) scalar(bytes, Short.BYTES);
                case BYTE -> (byte) scalar(bytes, Byte.BYTES);
                case CHAR -> (char) scalar(bytes, Character.BYTES);
                case BOOLEAN -> scalar(bytes, 1) != 0;
                case INTS -> {
                    ByteBuffer buf = body(bytes);
                    int[] ints = new int[buf.remaining() / Integer.BYTES];
                    buf.asIntBuffer().get(ints);
                    yield ints;
                }
                case LONGS -> {
                    ByteBuffer buf = body(bytes);
                    long[] longs = new long[buf.remaining() / Long.BYTES];
                    buf.asLongBuffer().get(longs);
                    yield longs;
                }
                case DOUBLES -> {
                    ByteBuffer buf = body(bytes);
                    double[] doubles = new double[buf.remaining() / Double.BYTES];
                    buf.asDoubleBuffer().get(doubles);
                    yield doubles;
                }
                case COMPACT_OBJECT -> CompactForms.decode(
                        new DataInputStream(new ByteArrayInputStream(bytes, TAG, bytes.length - TAG)));
                case SERIALIZED -> JavaSerialization.fromBytes(java.util.Arrays.copyOfRange(bytes, TAG, bytes.length));
                case CUSTOM -> {
                    ObjectSerializer serializer = custom;
                    if (serializer == null) {
                        throw new java.io.InvalidClassException("this value was written by a plugged-in "
                                + "Serializer, and this process has none: set it with Multiprocessing.setSerializer");
                    }
                    yield serializer.deserialize(java.util.Arrays.copyOfRange(bytes, TAG, bytes.length));
                }
                default -> throw new StreamCorruptedException("unknown value tag " + bytes[0]);
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw new StreamCorruptedException("an encoded value of tag " + bytes[0] + " is cut short");
        }
    }

    /**
     * The bytes of a value encoded from a {@code byte[]}, or, for any other value, its encoding as
     * it is: nothing is deserialized.
     */
    public static byte[] rawBytes(byte[] encoded) {
        return encoded.length >= TAG && encoded[0] == BYTES
                ? java.util.Arrays.copyOfRange(encoded, TAG, encoded.length)
                : encoded;
    }

    /**
     * A tag, then the low {@code size} bytes of {@code bits}, most significant first (as a
     * big-endian ByteBuffer writes a number). Written by hand: a fresh process sends its first
     * values with no ByteBuffer code compiled yet.
     */
    private static byte[] scalar(byte tag, long bits, int size) {
        byte[] bytes = new byte[TAG + size];
        bytes[0] = tag;
        for (int i = 0; i < size; i++) {
            bytes[TAG + i] = (byte) (bits >>> (Byte.SIZE * (size - 1 - i)));
        }
        return bytes;
    }

    /** The {@code size} bytes after the tag, as {@link #scalar(byte, long, int)} wrote them. */
    private static long scalar(byte[] bytes, int size) throws StreamCorruptedException {
        if (bytes.length < TAG + size) {
            throw new StreamCorruptedException("an encoded value of tag " + bytes[0] + " is cut short");
        }
        long bits = 0;
        for (int i = 0; i < size; i++) {
            bits = (bits << Byte.SIZE) | (bytes[TAG + i] & 0xff);
        }
        return bits;
    }

    /** The bytes after the tag, for the array decoders. */
    private static ByteBuffer body(byte[] bytes) {
        return ByteBuffer.wrap(bytes, TAG, bytes.length - TAG).slice();
    }

    private static byte[] tagged(byte tag, byte[] body) {
        byte[] bytes = new byte[TAG + body.length];
        bytes[0] = tag;
        System.arraycopy(body, 0, bytes, TAG, body.length);
        return bytes;
    }
}
