package org.multiprocessing4j.internal.pool;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.shm.TaskHolds;

/**
 * The messages between a pool and its workers, all big-endian; runs of values are {@link Values}.
 *
 * <pre>
 * to a worker, a batch:  int units, then each: long unit id, int length, payload
 *   payload:             byte kind (CALL, EACH, PAIRS), the function's section ({@link TaskFunction}),
 *                        then for EACH the items, for PAIRS each item's two arguments in turn, as values;
 *                        CALL has no items and one result
 * to the pool, RESULTS:  byte RESULTS, int units, then each: long unit id, long nanoseconds it took,
 *                        its items' outcomes
 *   STARTUP_FAILED:      byte STARTUP_FAILED, long worker id, int length, {@code Codec} bytes of the
 *                        initializer's exception
 *   DYING:               byte DYING, long worker id, int length, UTF-8 text of the error that ends it
 * </pre>
 */
final class Frames {
    static final byte CALL = 1;
    static final byte EACH = 2;
    static final byte PAIRS = 3;

    static final byte RESULTS = 1;
    static final byte STARTUP_FAILED = 2;
    static final byte DYING = 3;

    private static final int UNIT_HEADER = Long.BYTES + Integer.BYTES;
    private static final byte[] NO_VALUES = {};

    private Frames() {}

    /**
     * What a unit carries: its kind, its function, and its items as values (none for CALL); and
     * the segments whose descriptors those values hold, kept while the pool keeps the unit
     * ({@link TaskHolds}).
     */
    record Payload(byte kind, TaskFunction function, byte[] values, List<SharedSegment> held) {
        /** Bytes it takes in a batch, its function with its lambda class's header or without it. */
        int unitSize(boolean withHeader) {
            return UNIT_HEADER + 1 + function.size(withHeader) + values.length;
        }
    }

    /**
     * A unit's payload: {@code values} are its items, or for PAIRS their arguments in turn.
     *
     * @throws IllegalArgumentException naming the item that cannot be serialized
     */
    static Payload payload(byte kind, TaskFunction function, List<?> values, String what, long first) {
        if (kind == CALL) {
            return new Payload(kind, function, NO_VALUES, List.of());
        }
        FrameBuffer out = new FrameBuffer(16 + 8 * values.size());
        List<SharedSegment> held;
        int mark = TaskHolds.begin();
        try {
            Values.write(out, values, what, first);
        } finally {
            held = TaskHolds.end(mark);
        }
        return new Payload(kind, function, out.toArray(), held);
    }

    /**
     * A batch of units, given their ids and payloads, and for each whether its function goes with
     * its lambda class's header; {@code size} is the sum of their {@link Payload#unitSize}.
     */
    static byte[] batch(long[] ids, List<Payload> payloads, boolean[] withHeader, int size) {
        ByteBuffer out = ByteBuffer.allocate(Integer.BYTES + size).putInt(ids.length);
        for (int i = 0; i < ids.length; i++) {
            Payload payload = payloads.get(i);
            out.putLong(ids[i]).putInt(payload.unitSize(withHeader[i]) - UNIT_HEADER).put(payload.kind());
            payload.function().write(out, withHeader[i]);
            out.put(payload.values());
        }
        return out.array();
    }

    static byte[] startupFailed(long worker, byte[] exception) {
        return ByteBuffer.allocate(1 + Long.BYTES + Integer.BYTES + exception.length).put(STARTUP_FAILED)
                .putLong(worker).putInt(exception.length).put(exception).array();
    }

    static byte[] dying(long worker, String why) {
        byte[] text = why.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + Long.BYTES + Integer.BYTES + text.length).put(DYING).putLong(worker)
                .putInt(text.length).put(text).array();
    }

    /** The next length-prefixed byte string of {@code in}, checked against what is left. */
    static byte[] bytes(ByteBuffer in) throws IOException {
        ByteBuffer slice = slice(in);
        byte[] bytes = new byte[slice.remaining()];
        slice.get(bytes);
        return bytes;
    }

    /**
     * The next length-prefixed byte string of {@code in}, checked against what is left, as a view of
     * {@code in}'s bytes; {@code in} moves past it.
     */
    static ByteBuffer slice(ByteBuffer in) throws IOException {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new StreamCorruptedException("a pool message names " + length + " bytes where "
                    + in.remaining() + " are left");
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        return slice;
    }

    /**
     * The next counted run of ints of {@code in}, as {@link FrameBuffer#putInts} wrote it: one
     * number at a time below {@link FrameBuffer#BULK_FROM} of them, in bulk from there.
     */
    static int[] ints(ByteBuffer in) throws IOException {
        int[] ints = new int[count(in, Integer.BYTES)];
        if (ints.length < FrameBuffer.BULK_FROM) {
            for (int i = 0; i < ints.length; i++) {
                ints[i] = in.getInt();
            }
        } else {
            in.asIntBuffer().get(ints);
            in.position(in.position() + ints.length * Integer.BYTES);
        }
        return ints;
    }

    /** As {@link #ints}, a run of longs, as {@link FrameBuffer#putLongs} wrote it. */
    static long[] longs(ByteBuffer in) throws IOException {
        long[] longs = new long[count(in, Long.BYTES)];
        if (longs.length < FrameBuffer.BULK_FROM) {
            for (int i = 0; i < longs.length; i++) {
                longs[i] = in.getLong();
            }
        } else {
            in.asLongBuffer().get(longs);
            in.position(in.position() + longs.length * Long.BYTES);
        }
        return longs;
    }

    /** The next count of {@code in}, checked to be no more than could follow it. */
    static int count(ByteBuffer in) throws IOException {
        return count(in, 1);
    }

    /** The next count of {@code in}, of entries of at least {@code width} bytes each, checked against what is left. */
    static int count(ByteBuffer in, int width) throws IOException {
        int count = in.getInt();
        if (count < 0 || (long) count * width > in.remaining()) {
            throw new StreamCorruptedException("a pool message counts " + count + " entries where "
                    + in.remaining() + " bytes are left");
        }
        return count;
    }
}
