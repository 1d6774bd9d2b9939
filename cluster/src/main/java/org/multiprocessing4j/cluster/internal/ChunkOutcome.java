package org.multiprocessing4j.cluster.internal;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import org.multiprocessing4j.MaybeEncodingException;

/**
 * What came of each item of a {@link Chunk}: a result, or what its function threw (or why there is
 * no result). Item {@code i} failed if {@code failures[i]} is not null.
 *
 * @param results the results, null where an item failed
 * @param failures the failures, null where an item succeeded
 */
public record ChunkOutcome(Object[] results, Throwable[] failures) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Every one of {@code items} failed with {@code cause}: its worker died, its time ran out.
     *
     * @param items how many items the chunk had
     * @param cause why
     * @return the outcome
     */
    public static ChunkOutcome failed(int items, Throwable cause) {
        Throwable[] failures = new Throwable[items];
        Arrays.fill(failures, cause);
        return new ChunkOutcome(new Object[items], failures);
    }

    /**
     * How many items.
     *
     * @return the chunk's size
     */
    public int size() {
        return results.length;
    }

    /**
     * This outcome's bytes; a result or exception that cannot be serialized is replaced by a
     * {@link MaybeEncodingException} for its item alone, as a local pool's worker does.
     *
     * @return the bytes
     */
    public byte[] encode() {
        try {
            return Payloads.write(this);
        } catch (IOException whole) {
            Object[] sendable = results.clone();
            Throwable[] failing = failures.clone();
            for (int i = 0; i < sendable.length; i++) {
                if (failing[i] != null) {
                    try {
                        Payloads.write(failing[i]);
                    } catch (IOException e) {
                        failing[i] = MaybeEncodingException.ofException(failing[i], e);
                    }
                } else {
                    try {
                        Payloads.write(sendable[i]);
                    } catch (IOException e) {
                        failing[i] = MaybeEncodingException.ofResult(sendable[i], e);
                        sendable[i] = null;
                    }
                }
            }
            try {
                return Payloads.write(new ChunkOutcome(sendable, failing));
            } catch (IOException e) {
                throw new IllegalStateException("an outcome with every value checked cannot be serialized", e);
            }
        }
    }
}
