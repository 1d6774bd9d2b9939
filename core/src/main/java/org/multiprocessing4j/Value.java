package org.multiprocessing4j;

/**
 * Factories of single values in shared memory, Python's {@code multiprocessing.Value}: each comes
 * with the {@link RLock} that Python's {@code get_lock()} returns, at {@code lock()}.
 */
public final class Value {
    private Value() {}

    /**
     * A shared long, Python's {@code Value}, with the lock of Python's {@code get_lock()}.
     *
     * @param initial its value
     * @return the value
     */
    public static SharedLong ofLong(long initial) {
        return new SharedLong(initial, false);
    }

    /**
     * A shared int, Python's {@code Value}, with the lock of Python's {@code get_lock()}.
     *
     * @param initial its value
     * @return the value
     */
    public static SharedInt ofInt(int initial) {
        return new SharedInt(initial, false);
    }

    /**
     * A shared double, Python's {@code Value}, with the lock of Python's {@code get_lock()}.
     *
     * @param initial its value
     * @return the value
     */
    public static SharedDouble ofDouble(double initial) {
        return new SharedDouble(initial, false);
    }
}
