package org.multiprocessing4j;

/**
 * Factories of fixed-length arrays in shared memory without a lock, Python's
 * {@code multiprocessing.RawArray}: the arrays {@link Array} makes, each element access as atomic,
 * and {@code lock()} throws {@link UnsupportedOperationException}, as Python's RawArray has no
 * {@code get_lock()}.
 */
public final class RawArray {
    private RawArray() {}

    /**
     * A zero-filled shared array of {@code length} longs with no lock.
     *
     * @param length its length, at least 0
     * @return the array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedLongArray ofLongs(int length) {
        return new SharedLongArray(Array.checkLength(length), true);
    }

    /**
     * A shared array of longs with no lock, holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return the array
     */
    public static SharedLongArray ofLongs(long[] initial) {
        return Array.filled(ofLongs(initial.length), initial);
    }

    /**
     * A zero-filled shared array of {@code length} ints with no lock.
     *
     * @param length its length, at least 0
     * @return the array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedIntArray ofInts(int length) {
        return new SharedIntArray(Array.checkLength(length), true);
    }

    /**
     * A shared array of ints with no lock, holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return the array
     */
    public static SharedIntArray ofInts(int[] initial) {
        return Array.filled(ofInts(initial.length), initial);
    }

    /**
     * A zero-filled shared array of {@code length} doubles with no lock.
     *
     * @param length its length, at least 0
     * @return the array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedDoubleArray ofDoubles(int length) {
        return new SharedDoubleArray(Array.checkLength(length), true);
    }

    /**
     * A shared array of doubles with no lock, holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return the array
     */
    public static SharedDoubleArray ofDoubles(double[] initial) {
        return Array.filled(ofDoubles(initial.length), initial);
    }
}
