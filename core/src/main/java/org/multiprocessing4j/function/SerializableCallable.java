package org.multiprocessing4j.function;

import java.io.Serializable;

/**
 * A task with a result that can be sent to another process, together with what it captures.
 *
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface SerializableCallable<R> extends Serializable {
    /**
     * Computes the result.
     *
     * @return the result, which is sent back to the caller
     * @throws Exception anything the task throws, reported to the caller
     */
    R call() throws Exception;
}
