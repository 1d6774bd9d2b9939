package org.multiprocessing4j;

/**
 * Factories of single values in shared memory, Python's {@code multiprocessing.Value}: each comes
 * with the {@link RLock} that Python's {@code get_lock()} returns, at {@code lock()}.
 */
public final class Value {
    private Value() {}

    public static SharedLong ofLong(long initial) {
        return new SharedLong(initial);
    }

    public static SharedInt ofInt(int initial) {
        return new SharedInt(initial);
    }

    public static SharedDouble ofDouble(double initial) {
        return new SharedDouble(initial);
    }
}
