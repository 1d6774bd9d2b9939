package org.multiprocessing4j.function;

import java.io.Serializable;

/**
 * A function that can be sent to another process, together with what it captures.
 *
 * @param <T> the type of the argument
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Serializable {
    /**
     * Applies the function.
     *
     * @param t the argument
     * @return the result
     * @throws Exception anything the function throws, reported to the caller
     */
    R apply(T t) throws Exception;
}
