package org.multiprocessing4j.internal.pool;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.multiprocessing4j.internal.wire.Codec;
import org.multiprocessing4j.internal.wire.LambdaCodec;

/**
 * A worker's side of {@link TaskFunction}: reads the functions of its units, keeping each lambda
 * class header it was sent for the later units that name it by number. The headers come from the
 * one pool that feeds the worker, whose numbers are unique in that pool's process.
 *
 * <p>A map sends the same function with each of its chunks, so the function of a chunk
 * ({@code reused}) is made once a batch; a submitted task's callable is made every time, as each
 * captures values of its own.
 */
final class FunctionReader {
    private final ClassLoader loader;
    private final Map<Integer, LambdaCodec.Header> headers = new HashMap<>();
    private final Map<Reused, Object> batchFunctions = new HashMap<>();

    /** A function by its header number (0 for Codec's bytes) and its body. */
    private record Reused(int header, ByteBuffer body) {}

    FunctionReader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        this.loader = context != null ? context : ClassLoader.getSystemClassLoader();
    }

    /** Forgets the functions made for the batch's chunks, and with them what they captured. */
    void forgetBatch() {
        batchFunctions.clear();
    }

    /**
     * Reads a function's section ({@link TaskFunction}) from {@code in}'s position, and makes it.
     *
     * @param reused whether it is the function of a map's chunk, made once a batch
     * @throws IOException if the section is malformed, names a header this worker was never sent,
     *     or its function cannot be made here
     */
    Object read(ByteBuffer in, boolean reused) throws IOException {
        byte form = in.get();
        LambdaCodec.Header header = null;
        int headerId = 0;
        if (form == TaskFunction.LAMBDA_WITH_HEADER || form == TaskFunction.LAMBDA) {
            headerId = in.getInt();
            header = form == TaskFunction.LAMBDA_WITH_HEADER ? readHeader(headerId, in) : headers.get(headerId);
            if (header == null) {
                throw new StreamCorruptedException("a pool unit names the lambda class header " + headerId
                        + ", which this worker was never sent");
            }
        } else if (form != TaskFunction.CODEC) {
            throw new StreamCorruptedException("a pool unit's function has an unknown form " + form);
        }
        ByteBuffer body = Frames.slice(in);
        if (!reused) {
            return make(header, body);
        }
        Reused key = new Reused(headerId, body);
        Object function = batchFunctions.get(key);
        if (function == null) {
            function = make(header, body.duplicate());
            batchFunctions.put(key, function);
        }
        return function;
    }

    private LambdaCodec.Header readHeader(int headerId, ByteBuffer in) throws IOException {
        LambdaCodec.Header header = LambdaCodec.readHeader(Frames.bytes(in), loader);
        headers.put(headerId, header);
        return header;
    }

    private static Object make(LambdaCodec.Header header, ByteBuffer body) throws IOException {
        if (header != null) {
            return LambdaCodec.make(header, body);
        }
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return Codec.decode(bytes);
    }
}
