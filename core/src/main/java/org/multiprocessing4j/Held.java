package org.multiprocessing4j;

/**
 * A lock or permit held until {@link #close()}, for try-with-resources, Python's {@code with lock:}.
 *
 * <pre>{@code
 * try (var held = lock.hold()) {
 *     ...   // released on the way out, whatever happens
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Held extends AutoCloseable {
    /** Releases what was acquired. */
    @Override
    void close();
}
