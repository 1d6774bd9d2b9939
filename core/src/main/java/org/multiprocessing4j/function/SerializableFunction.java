package org.multiprocessing4j.function;

import java.io.Serializable;

/** A function that can be sent to another process, together with what it captures. */
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
