package org.multiprocessing4j.internal.pool;

/**
 * The outcomes of one unit's items as its worker makes them, item after item, for
 * {@link Values#writeOutcomes}. While every result is an Integer, or every one a Long, they are kept
 * unboxed: a map's chunk of a quarter million results is then one array, not as many boxed numbers
 * alive to the unit's end, which a fresh worker's first collection copied (13-18 ms here, most of it
 * first touches of the pages they went to). A result of another type, or a failure, turns the
 * column into values and failures.
 */
final class UnitOutcomes {
    private final int size;
    private int[] ints;
    private long[] longs;
    private Object[] values;
    private byte[][] failures;

    UnitOutcomes(int size) {
        this.size = size;
    }

    /** A unit of {@code size} items, every one of which failed with {@code failure}, the bytes of an exception. */
    static UnitOutcomes allFailed(int size, byte[] failure) {
        UnitOutcomes outcomes = new UnitOutcomes(size);
        for (int item = 0; item < size; item++) {
            outcomes.failed(item, failure);
        }
        return outcomes;
    }

    /** Item {@code item}, the next after those given so far, returned {@code value}. */
    void succeeded(int item, Object value) {
        if (ints != null && value instanceof Integer number) {
            ints[item] = number;
        } else if (longs != null && value instanceof Long number) {
            longs[item] = number;
        } else if (item == 0 && value instanceof Integer number) {
            ints = new int[size];
            ints[0] = number;
        } else if (item == 0 && value instanceof Long number) {
            longs = new long[size];
            longs[0] = number;
        } else {
            unpacked()[item] = value;
        }
    }

    /** Item {@code item}, the next after those given so far, threw the exception {@code failure} holds the bytes of. */
    void failed(int item, byte[] failure) {
        unpacked();
        if (failures == null) {
            failures = new byte[size][];
        }
        failures[item] = failure;
    }

    int size() {
        return size;
    }

    /** The results, if every one is an Integer; else null. */
    int[] ints() {
        return ints;
    }

    /** The results, if every one is a Long; else null. */
    long[] longs() {
        return longs;
    }

    /** Item {@code item}'s result, where {@link #ints} and {@link #longs} are null. */
    Object value(int item) {
        return values[item];
    }

    /** Item {@code item}'s exception, as bytes, or null if it did not fail. */
    byte[] failure(int item) {
        return failures == null ? null : failures[item];
    }

    /** The values, boxed from a packed column the first time a result does not fit it. */
    private Object[] unpacked() {
        if (values == null) {
            values = new Object[size];
            for (int item = 0; ints != null && item < size; item++) {
                values[item] = ints[item];
            }
            for (int item = 0; longs != null && item < size; item++) {
                values[item] = longs[item];
            }
            ints = null;
            longs = null;
        }
        return values;
    }
}
