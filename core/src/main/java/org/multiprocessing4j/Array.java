package org.multiprocessing4j;

/**
 * Factories of fixed-length arrays in shared memory, Python's {@code multiprocessing.Array}; each
 * comes with the {@link RLock} of Python's {@code get_lock()}, at {@code lock()}.
 */
public final class Array {
    private Array() {}

    /** A zero-filled array of {@code length} longs. */
    public static SharedLongArray ofLongs(int length) {
        return new SharedLongArray(checkLength(length));
    }

    /** A zero-filled array of {@code length} ints. */
    public static SharedIntArray ofInts(int length) {
        return new SharedIntArray(checkLength(length));
    }

    /** An array of doubles holding a copy of {@code initial}. */
    public static SharedDoubleArray ofDoubles(double[] initial) {
        return new SharedDoubleArray(initial.clone());
    }

    private static int checkLength(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("array length must be >= 0, not " + length);
        }
        return length;
    }
}
