package org.multiprocessing4j.function;

import java.io.Serializable;

/**
 * A function of two arguments that can be sent to another process, together with what it captures.
 *
 * @param <A> the type of the first argument
 * @param <B> the type of the second argument
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends Serializable {
    /**
     * Applies the function.
     *
     * @param a the first argument
     * @param b the second argument
     * @return the result
     * @throws Exception anything the function throws, reported to the caller
     */
    R apply(A a, B b) throws Exception;
}
