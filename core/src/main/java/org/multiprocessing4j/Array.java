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

    /** An array of longs holding a copy of {@code initial}. */
    public static SharedLongArray ofLongs(long[] initial) {
        SharedLongArray array = ofLongs(initial.length);
        for (int i = 0; i < initial.length; i++) {
            array.set(i, initial[i]);
        }
        return array;
    }

    /** A zero-filled array of {@code length} ints. */
    public static SharedIntArray ofInts(int length) {
        return new SharedIntArray(checkLength(length));
    }

    /** An array of ints holding a copy of {@code initial}. */
    public static SharedIntArray ofInts(int[] initial) {
        SharedIntArray array = ofInts(initial.length);
        for (int i = 0; i < initial.length; i++) {
            array.set(i, initial[i]);
        }
        return array;
    }

    /** A zero-filled array of {@code length} doubles. */
    public static SharedDoubleArray ofDoubles(int length) {
        return new SharedDoubleArray(checkLength(length));
    }

    /** An array of doubles holding a copy of {@code initial}. */
    public static SharedDoubleArray ofDoubles(double[] initial) {
        SharedDoubleArray array = ofDoubles(initial.length);
        for (int i = 0; i < initial.length; i++) {
            array.set(i, initial[i]);
        }
        return array;
    }

    private static int checkLength(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("array length must be >= 0, not " + length);
        }
        return length;
    }
}
