package org.multiprocessing4j;

/**
 * Factories of single values in shared memory without a lock, Python's
 * {@code multiprocessing.RawValue}: the cells {@link Value} makes, each method as atomic, and
 * {@code lock()} throws {@link UnsupportedOperationException}, as Python's RawValue has no
 * {@code get_lock()}.
 */
public final class RawValue {
    private RawValue() {}

    /**
     * A shared long with no lock, Python's {@code RawValue('q', initial)}.
     *
     * @param initial its value
     * @return the value
     */
    public static SharedLong ofLong(long initial) {
        return new SharedLong(initial, true);
    }

    /**
     * A shared int with no lock, Python's {@code RawValue('i', initial)}.
     *
     * @param initial its value
     * @return the value
     */
    public static SharedInt ofInt(int initial) {
        return new SharedInt(initial, true);
    }

    /**
     * A shared double with no lock, Python's {@code RawValue('d', initial)}.
     *
     * @param initial its value
     * @return the value
     */
    public static SharedDouble ofDouble(double initial) {
        return new SharedDouble(initial, true);
    }
}
