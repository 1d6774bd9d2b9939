package org.multiprocessing4j.internal.pool;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.multiprocessing4j.internal.wire.Codec;
import org.multiprocessing4j.internal.wire.LambdaCodec;

/**
 * The bytes of the functions a pool sends its workers: in {@link LambdaCodec}'s form when it can
 * write them (a lambda capturing numbers, strings, arrays and handles, which a worker makes without
 * {@link java.io.ObjectInputStream}), else in {@link Codec}'s. One leading byte says which.
 */
final class TaskFunctions {
    private static final byte LAMBDA = 1;
    private static final byte CODEC = 2;

    private TaskFunctions() {}

    /**
     * The bytes of {@code function}.
     *
     * @throws IllegalArgumentException naming the class if it cannot be serialized
     */
    static byte[] encode(Object function, String what) {
        byte[] lambda = LambdaCodec.encode(function);
        byte[] body = lambda != null ? lambda : Codec.encode(function, what);
        byte[] tagged = new byte[body.length + 1];
        tagged[0] = lambda != null ? LAMBDA : CODEC;
        System.arraycopy(body, 0, tagged, 1, body.length);
        return tagged;
    }

    /** The function that {@link #encode} wrote. */
    static Object decode(byte[] tagged) throws IOException {
        if (tagged.length == 0) {
            throw new IOException("a task's function is empty");
        }
        return switch (tagged[0]) {
            case LAMBDA -> LambdaCodec.decode(new DataInputStream(new ByteArrayInputStream(tagged, 1, tagged.length - 1)));
            case CODEC -> Codec.decode(Arrays.copyOfRange(tagged, 1, tagged.length));
            default -> throw new IOException("a task's function has an unknown form " + tagged[0]);
        };
    }
}
