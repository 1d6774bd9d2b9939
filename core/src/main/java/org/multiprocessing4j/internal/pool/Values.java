package org.multiprocessing4j.internal.pool;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.multiprocessing4j.MaybeEncodingException;
import org.multiprocessing4j.internal.wire.Codec;

/**
 * A run of values in a pool message: a unit's items, or its outcomes. A run of Integers or of Longs
 * alone, the commonest input and result of a map, goes as a packed column of its numbers; anything
 * else value by value, in {@link Codec}'s forms. Outcomes that include a failure go value by value,
 * each with a flag.
 *
 * <pre>
 *  byte INTS,     int n, n ints
 *  byte LONGS,    int n, n longs
 *  byte VALUES,   int n, n times (int length, Codec bytes)
 *  byte OUTCOMES, int n, n times (byte OK or FAILED, int length, Codec bytes of the value or exception)
 * </pre>
 */
final class Values {
    static final byte INTS = 1;
    static final byte LONGS = 2;
    static final byte VALUES = 3;
    static final byte OUTCOMES = 4;
    static final byte OK = 1;
    static final byte FAILED = 0;

    private Values() {}

    /**
     * Writes {@code values}; {@code what} names the run in an error, with each value's index after
     * {@code first}.
     *
     * @throws IllegalArgumentException naming the value that cannot be serialized
     */
    static void write(FrameBuffer out, List<?> values, String what, long first) {
        write(out, values, packedForm(values), what, first);
    }

    /** As {@link #write}, with the form {@link #packedForm} found for {@code values}. */
    private static void write(FrameBuffer out, List<?> values, byte form, String what, long first) {
        int n = values.size();
        if (form == INTS) {
            out.put(INTS).putInt(n);
            for (Object value : values) {
                out.putInt((Integer) value);
            }
        } else if (form == LONGS) {
            out.put(LONGS).putInt(n);
            for (Object value : values) {
                out.putLong((Long) value);
            }
        } else {
            out.put(VALUES).putInt(n);
            for (int i = 0; i < n; i++) {
                out.putBytes(Codec.encode(values.get(i), what + " " + (first + i)));
            }
        }
    }

    /** The values that {@link #write} wrote. */
    static Object[] read(ByteBuffer in) throws IOException {
        byte form = in.get();
        int n = Frames.count(in, form == LONGS ? Long.BYTES : Integer.BYTES); // a value's length is an int too
        Object[] values = new Object[n];
        switch (form) {
            case INTS -> {
                for (int i = 0; i < n; i++) {
                    values[i] = in.getInt();
                }
            }
            case LONGS -> {
                for (int i = 0; i < n; i++) {
                    values[i] = in.getLong();
                }
            }
            case VALUES -> {
                for (int i = 0; i < n; i++) {
                    values[i] = Codec.decode(Frames.bytes(in));
                }
            }
            default -> throw new StreamCorruptedException("a pool message has values of unknown form " + form);
        }
        return values;
    }

    /**
     * Writes the outcomes of a unit's items: {@code values[i]}, or the encoded exception
     * {@code failures[i]} where that is not null. A result that cannot be serialized fails its item
     * with a {@link MaybeEncodingException}.
     */
    static void writeOutcomes(FrameBuffer out, Object[] values, byte[][] failures, boolean anyFailed) {
        List<Object> list = Arrays.asList(values);
        byte form = anyFailed ? VALUES : packedForm(list);
        if (form != VALUES) {
            write(out, list, form, "a result", 0);
            return;
        }
        out.put(OUTCOMES).putInt(values.length);
        for (int i = 0; i < values.length; i++) {
            if (failures[i] != null) {
                out.put(FAILED).putBytes(failures[i]);
                continue;
            }
            byte[] encoded;
            try {
                // The pool's result thread reads a result once: a worker that returns a new queue
                // for each task does not keep each one's file for as long as it lives.
                encoded = Codec.encodeTaken(values[i], "the result of a pool task");
            } catch (RuntimeException unserializable) {
                out.put(FAILED).putBytes(failure(MaybeEncodingException.ofResult(values[i], unserializable)));
                continue;
            }
            out.put(OK).putBytes(encoded);
        }
    }

    /** The bytes of {@code thrown}, or of a {@link MaybeEncodingException} standing for it if it cannot be serialized. */
    static byte[] failure(Throwable thrown) {
        try {
            return Codec.encode(thrown, "an exception of a pool task");
        } catch (RuntimeException unserializable) {
            return Codec.encode(MaybeEncodingException.ofException(thrown, unserializable), "an exception");
        }
    }

    /**
     * The outcomes that {@link #writeOutcomes} wrote: each a value, or a {@link Job.Failed} with the
     * exception, or with why the value could not be read. Packed numbers stay packed.
     */
    static Outcomes readOutcomes(ByteBuffer in) throws IOException {
        int start = in.position();
        byte form = in.get();
        if (form == INTS || form == LONGS) {
            int width = form == INTS ? Integer.BYTES : Long.BYTES;
            int n = Frames.count(in, width);
            if (form == INTS) {
                int[] ints = new int[n];
                in.asIntBuffer().get(ints);
                in.position(in.position() + n * width);
                return Outcomes.ofInts(ints);
            }
            long[] longs = new long[n];
            in.asLongBuffer().get(longs);
            in.position(in.position() + n * width);
            return Outcomes.ofLongs(longs);
        }
        if (form != OUTCOMES) {
            in.position(start);
            return Outcomes.of(read(in));
        }
        Object[] outcomes = new Object[Frames.count(in)];
        for (int i = 0; i < outcomes.length; i++) {
            byte flag = in.get();
            byte[] bytes = Frames.bytes(in);
            Object value;
            try {
                value = Codec.decodeTaken(bytes);
            } catch (IOException | RuntimeException unreadable) {
                outcomes[i] = new Job.Failed(new IOException("cannot read a result from a worker: " + unreadable,
                        unreadable));
                continue;
            }
            outcomes[i] = flag == OK ? value : new Job.Failed(value instanceof Throwable thrown ? thrown
                    : new IOException("a worker reported a failure that is not an exception: " + value));
        }
        return Outcomes.of(outcomes);
    }

    /** INTS if every value is an Integer, LONGS if every one is a Long, else VALUES; one look at each. */
    private static byte packedForm(List<?> values) {
        if (values.isEmpty()) {
            return VALUES;
        }
        Class<?> type = values.getFirst() == null ? null : values.getFirst().getClass();
        if (type != Integer.class && type != Long.class) {
            return VALUES;
        }
        for (Object value : values) {
            if (value == null || value.getClass() != type) {
                return VALUES;
            }
        }
        return type == Integer.class ? INTS : LONGS;
    }

}
