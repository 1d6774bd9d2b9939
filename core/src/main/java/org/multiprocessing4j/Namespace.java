package org.multiprocessing4j;

import java.util.NoSuchElementException;

/**
 * A manager's namespace, Python's {@code Manager().Namespace()}: named values that every process
 * holding the proxy reads and writes on the manager's server. Names that begin with {@code _} stay
 * on the proxy they were set on, as in Python. {@code toString()} is Python's
 * {@code Namespace(name='Bob')}. Made by {@link Manager#namespace()}.
 */
public interface Namespace {
    /**
     * The value of {@code name}, Python's {@code ns.name}.
     *
     * @param name the name
     * @return its value, a copy of the one on the server
     * @throws NoSuchElementException if it has none (Python's AttributeError)
     */
    Object get(String name);

    /**
     * Sets {@code name}, Python's {@code ns.name = value}.
     *
     * @param name the name
     * @param value its new value, which must be serializable
     * @return the value it had, or null
     */
    Object set(String name, Object value);

    /**
     * Removes {@code name}, Python's {@code del ns.name}.
     *
     * @param name the name
     * @throws NoSuchElementException if it has none
     */
    void delete(String name);

    /**
     * Whether {@code name} has a value, Python's {@code hasattr(ns, name)}.
     *
     * @param name the name
     * @return true if it has one
     */
    boolean has(String name);
}
