package org.multiprocessing4j.internal.pool;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.shm.TaskHolds;
import org.multiprocessing4j.internal.wire.Codec;
import org.multiprocessing4j.internal.wire.LambdaCodec;

/**
 * A function a pool sends its workers, encoded once in the submitting thread: a lambda in
 * {@link LambdaCodec}'s two parts when it can write it (a lambda capturing numbers, strings, arrays
 * and handles, which a worker makes without {@link java.io.ObjectInputStream}), else {@link Codec}'s
 * bytes. A lambda's class header, some 200 bytes of names that every lambda of its class shares, goes
 * to a worker once; later units name it by its number, so that a task is a few bytes on the wire and
 * the worker, still interpreting its first thousands of tasks, neither reads nor compares the header
 * again. The engine, which knows what it sent each worker, decides which form each unit takes
 * ({@link #write}).
 *
 * <pre>
 * its section of a unit's payload, one of:
 *   byte CODEC,              int length, Codec bytes
 *   byte LAMBDA_WITH_HEADER, int header number, int length, header bytes, int length, captured values
 *   byte LAMBDA,             int header number, int length, captured values
 * </pre>
 */
final class TaskFunction {
    static final byte CODEC = 1;
    static final byte LAMBDA_WITH_HEADER = 2;
    static final byte LAMBDA = 3;

    /** The lambda's class header; null for a function in Codec's bytes. */
    private final LambdaCodec.ClassHeader header;
    /** The lambda's captured values, or the Codec bytes. */
    private final byte[] body;
    /** The segments whose descriptors {@link #body} holds, kept while the pool keeps this ({@link TaskHolds}). */
    @SuppressWarnings("unused") // held, never read
    private final List<SharedSegment> held;

    private TaskFunction(LambdaCodec.ClassHeader header, byte[] body, List<SharedSegment> held) {
        this.header = header;
        this.body = body;
        this.held = held;
    }

    /**
     * {@code function} encoded.
     *
     * @param what what the function is, for the exceptions
     * @throws NullPointerException naming {@code what} if {@code function} is null
     * @throws IllegalArgumentException naming the class if it cannot be serialized
     */
    static TaskFunction of(Object function, String what) {
        Objects.requireNonNull(function, what);
        LambdaCodec.Parts lambda;
        byte[] encoded = null;
        List<SharedSegment> held;
        int mark = TaskHolds.begin();
        try {
            lambda = LambdaCodec.split(function);
            if (lambda == null) {
                encoded = Codec.encode(function, what);
            }
        } finally {
            held = TaskHolds.end(mark);
        }
        return lambda != null ? new TaskFunction(lambda.header(), lambda.captured(), held)
                : new TaskFunction(null, encoded, held);
    }

    /** The number of its lambda class's header; 0, which no header has, for Codec's bytes. */
    int headerId() {
        return header == null ? 0 : header.id();
    }

    /** Bytes its section takes, with its lambda class's header or without it. */
    int size(boolean withHeader) {
        int size = 1 + Integer.BYTES + body.length;
        if (header != null) {
            size += Integer.BYTES + (withHeader ? Integer.BYTES + header.bytes().length : 0);
        }
        return size;
    }

    /** Writes its section, with its lambda class's header if {@code withHeader} (ignored for Codec's bytes). */
    void write(ByteBuffer out, boolean withHeader) {
        if (header == null) {
            out.put(CODEC);
        } else if (withHeader) {
            out.put(LAMBDA_WITH_HEADER).putInt(header.id()).putInt(header.bytes().length).put(header.bytes());
        } else {
            out.put(LAMBDA).putInt(header.id());
        }
        out.putInt(body.length).put(body);
    }

    /** Its section on its own, header included, as a worker reads it without having been sent anything before. */
    byte[] standalone() {
        ByteBuffer out = ByteBuffer.allocate(size(true));
        write(out, true);
        return out.array();
    }
}
