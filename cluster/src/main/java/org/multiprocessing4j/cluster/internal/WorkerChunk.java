package org.multiprocessing4j.cluster.internal;

import java.io.Serial;
import java.util.List;
import org.multiprocessing4j.function.SerializableCallable;

/**
 * A chunk's bytes on their way into a node's worker, where they are read and run, each item on its
 * own: one item's exception fails that item alone. An {@link Error} of the JVM's own (out of
 * memory, say) is not caught: the worker dies of it, and its node reports the chunk failed with a
 * {@link org.multiprocessing4j.WorkerDiedException}.
 *
 * @param chunk the {@link Chunk}'s bytes, checked by the node
 */
public record WorkerChunk(byte[] chunk) implements SerializableCallable<byte[]> {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] call() {
        Chunk decoded = (Chunk) Payloads.read(chunk);
        List<Object> items = decoded.items();
        Object[] results = new Object[items.size()];
        Throwable[] failures = new Throwable[items.size()];
        for (int i = 0; i < results.length; i++) {
            try {
                results[i] = decoded.function().apply(items.get(i));
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable e) {
                failures[i] = e;
            }
        }
        return new ChunkOutcome(results, failures).encode();
    }
}
