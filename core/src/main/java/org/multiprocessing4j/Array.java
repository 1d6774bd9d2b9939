package org.multiprocessing4j;

/**
 * Factories of fixed-length arrays in shared memory, Python's {@code multiprocessing.Array}; each
 * comes with the {@link RLock} of Python's {@code get_lock()}, at {@code lock()}.
 */
public final class Array {
    private Array() {}

    /**
     * A zero-filled shared array of {@code length} longs.
     *
     * @param length its length, at least 0
     * @return the array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedLongArray ofLongs(int length) {
        return new SharedLongArray(checkLength(length), false);
    }

    /**
     * A shared array of longs holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return the array
     */
    public static SharedLongArray ofLongs(long[] initial) {
        return filled(ofLongs(initial.length), initial);
    }

    /**
     * A zero-filled shared array of {@code length} ints.
     *
     * @param length its length, at least 0
     * @return the array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedIntArray ofInts(int length) {
        return new SharedIntArray(checkLength(length), false);
    }

    /**
     * A shared array of ints holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return the array
     */
    public static SharedIntArray ofInts(int[] initial) {
        return filled(ofInts(initial.length), initial);
    }

    /**
     * A zero-filled shared array of {@code length} doubles.
     *
     * @param length its length, at least 0
     * @return the array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedDoubleArray ofDoubles(int length) {
        return new SharedDoubleArray(checkLength(length), false);
    }

    /**
     * A shared array of doubles holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return the array
     */
    public static SharedDoubleArray ofDoubles(double[] initial) {
        return filled(ofDoubles(initial.length), initial);
    }

    static SharedLongArray filled(SharedLongArray array, long[] initial) {
        for (int i = 0; i < initial.length; i++) {
            array.set(i, initial[i]);
        }
        return array;
    }

    static SharedIntArray filled(SharedIntArray array, int[] initial) {
        for (int i = 0; i < initial.length; i++) {
            array.set(i, initial[i]);
        }
        return array;
    }

    static SharedDoubleArray filled(SharedDoubleArray array, double[] initial) {
        for (int i = 0; i < initial.length; i++) {
            array.set(i, initial[i]);
        }
        return array;
    }

    static int checkLength(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("array length must be >= 0, not " + length);
        }
        return length;
    }
}
