package org.multiprocessing4j;

/**
 * A manager's value, Python's {@code Manager().Value(typecode, value)}: one value on the manager's
 * server that every process holding the proxy reads and writes. Made by {@link Manager#value}.
 *
 * @param <T> its type, which must be serializable
 */
public interface ManagedValue<T> {
    /**
     * The value, Python's {@code v.value}.
     *
     * @return a copy of the value on the server
     */
    T get();

    /**
     * Sets the value, Python's {@code v.value = value}.
     *
     * @param value the new value
     */
    void set(T value);
}
