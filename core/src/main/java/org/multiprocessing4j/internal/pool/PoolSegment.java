package org.multiprocessing4j.internal.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * A pool's shared state ({@link SharedLayout.Pool}): the ring every worker sends results into, which
 * only the pool reads, and the workers' seats. Nobody registers as a holder of the ring's ends, so a
 * read never ends in EOF: the pool watches its workers itself.
 */
final class PoolSegment {
    private final SharedSegment segment;
    private final MessageRing results;
    private final int seats;

    private PoolSegment(SharedSegment segment, int seats) {
        this.segment = segment;
        this.seats = seats;
        this.results = new MessageRing(segment, SharedLayout.Header.SIZE + SharedLayout.Pool.RESULT_RING);
    }

    /** A new pool state with {@code seats} seats. */
    static PoolSegment create(int seats) {
        PoolSegment pool = new PoolSegment(SharedSegment.create(SharedLayout.Header.KIND_POOL,
                SharedLayout.Pool.size(seats)), seats);
        pool.results.initialize(SharedLayout.Pool.RESULT_CAPACITY, 0, false);
        return pool;
    }

    /** Where this state is, as bytes a worker's task captures ({@link #read}). */
    byte[] describe() {
        return written(out -> {
            segment.writeTo(out);
            out.writeInt(seats);
        });
    }

    /** Where a worker's task ring is, as bytes its task captures ({@link MessageRing#readFrom}). */
    static byte[] describe(MessageRing ring) {
        return written(ring::writeTo);
    }

    /** Writes a description into a {@link DataOutputStream}. */
    @FunctionalInterface
    private interface Description {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private static byte[] written(Description description) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            description.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen writing to memory", e);
        }
        return bytes.toByteArray();
    }

    /** The state that {@link #describe} described, in this process. */
    static PoolSegment read(byte[] description) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(description));
        SharedSegment segment = SharedSegment.readFrom(in);
        int seats = in.readInt();
        segment.checkedOffset(SharedLayout.Header.SIZE, SharedLayout.Pool.size(seats));
        return new PoolSegment(segment, seats);
    }

    /** The pool and all its workers are done with it: its file goes now ({@link SharedSegment#retire}). */
    void retire() {
        segment.retire();
    }

    MessageRing results() {
        return results;
    }

    /** The seat of the worker at position {@code index}. */
    WorkerSeat seat(int index) {
        if (index < 0 || index >= seats) {
            throw new IndexOutOfBoundsException("seat " + index + " of a pool of " + seats);
        }
        return new WorkerSeat(segment, SharedLayout.Header.SIZE + SharedLayout.Pool.seat(index));
    }
}
