package org.multiprocessing4j.internal.pool;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
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
    static void write(FrameBuffer out, List<?> list, String what, long first) {
        Object[] values = list.toArray();
        if (writePacked(out, values)) {
            return;
        }
        out.put(VALUES).putInt(values.length);
        for (int i = 0; i < values.length; i++) {
            out.putBytes(Codec.encode(values[i], what + " " + (first + i)));
        }
    }

    /** The values that {@link #write} wrote; a packed column stays packed, boxed as each is read. */
    static Column read(ByteBuffer in) throws IOException {
        byte form = in.get();
        if (form == INTS) {
            return Column.ofInts(Frames.ints(in));
        }
        if (form == LONGS) {
            return Column.ofLongs(Frames.longs(in));
        }
        if (form != VALUES) {
            throw new StreamCorruptedException("a pool message has values of unknown form " + form);
        }
        Object[] values = new Object[Frames.count(in, Integer.BYTES)]; // each value has its length, an int
        for (int i = 0; i < values.length; i++) {
            values[i] = Codec.decode(Frames.bytes(in));
        }
        return Column.of(values);
    }

    /**
     * Writes the outcomes of a unit's items: a packed column of their results, or each result, or
     * the encoded exception of an item that failed. A result that cannot be serialized fails its
     * item with a {@link MaybeEncodingException}.
     */
    static void writeOutcomes(FrameBuffer out, UnitOutcomes outcomes) {
        if (outcomes.ints() != null) {
            out.put(INTS).putInt(outcomes.size()).putInts(outcomes.ints());
            return;
        }
        if (outcomes.longs() != null) {
            out.put(LONGS).putInt(outcomes.size()).putLongs(outcomes.longs());
            return;
        }
        out.put(OUTCOMES).putInt(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.failure(i) != null) {
                out.put(FAILED).putBytes(outcomes.failure(i));
                continue;
            }
            byte[] encoded;
            try {
                // The pool's result thread reads a result once: a worker that returns a new queue
                // for each task does not keep each one's file for as long as it lives.
                encoded = Codec.encodeTaken(outcomes.value(i), "the result of a pool task");
            } catch (RuntimeException unserializable) {
                out.put(FAILED).putBytes(failure(MaybeEncodingException.ofResult(outcomes.value(i), unserializable)));
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
    static Column readOutcomes(ByteBuffer in) throws IOException {
        int start = in.position();
        if (in.get() != OUTCOMES) {
            in.position(start);
            return read(in);
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
        return Column.of(outcomes);
    }

    /**
     * Writes {@code values} as INTS if each is an Integer, or as LONGS if each is a Long; false if
     * neither. The column is made in a loop over arrays, a few bytecodes an item, and copied in
     * bulk: a pool's first map runs it interpreted, and a loop that wrote each number through the
     * buffer took a fresh worker 30-45 ms for 250,000 of them.
     */
    private static boolean writePacked(FrameBuffer out, Object[] values) {
        int[] ints = packedInts(values);
        if (ints != null) {
            out.put(INTS).putInt(ints.length).putInts(ints);
            return true;
        }
        long[] longs = packedLongs(values);
        if (longs != null) {
            out.put(LONGS).putInt(longs.length).putLongs(longs);
            return true;
        }
        return false;
    }

    /** The numbers of {@code values} if each is an Integer, else null. */
    private static int[] packedInts(Object[] values) {
        if (values.length == 0 || !(values[0] instanceof Integer)) {
            return null;
        }
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] instanceof Integer value)) {
                return null;
            }
            ints[i] = value;
        }
        return ints;
    }

    /** The numbers of {@code values} if each is a Long, else null. */
    private static long[] packedLongs(Object[] values) {
        if (values.length == 0 || !(values[0] instanceof Long)) {
            return null;
        }
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] instanceof Long value)) {
                return null;
            }
            longs[i] = value;
        }
        return longs;
    }

}
