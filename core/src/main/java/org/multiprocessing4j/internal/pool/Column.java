package org.multiprocessing4j.internal.pool;

/**
 * A run of values read from a pool message ({@link Values}): a unit's items, as its worker runs
 * them, or their outcomes, as they came back. A packed column of ints or longs is boxed an item at a
 * time, when read: so a map of millions of numbers makes no garbage until its results are used, and
 * a worker's boxed items die young, before a collection would copy them. Outcomes are values and
 * {@link Job.Failed}s.
 */
final class Column {
    private final Object[] values;
    private final int[] ints;
    private final long[] longs;

    private Column(Object[] values, int[] ints, long[] longs) {
        this.values = values;
        this.ints = ints;
        this.longs = longs;
    }

    static Column of(Object[] values) {
        return new Column(values, null, null);
    }

    static Column ofInts(int[] ints) {
        return new Column(null, ints, null);
    }

    static Column ofLongs(long[] longs) {
        return new Column(null, null, longs);
    }

    /** {@code failure} for each of {@code items} items. */
    static Column allFailed(Job.Failed failure, int items) {
        Object[] values = new Object[items];
        java.util.Arrays.fill(values, failure);
        return of(values);
    }

    int size() {
        return ints != null ? ints.length : longs != null ? longs.length : values.length;
    }

    /** Item {@code i}'s value, or, among outcomes, its {@link Job.Failed}. */
    Object get(int i) {
        return ints != null ? (Object) ints[i] : longs != null ? (Object) longs[i] : values[i];
    }
}
