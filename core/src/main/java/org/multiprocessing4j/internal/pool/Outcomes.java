package org.multiprocessing4j.internal.pool;

/**
 * The outcomes of one unit's items as they came back: a packed column of ints or longs (results
 * only, boxed when read, so that a map of millions of numbers makes no garbage until its results
 * are used), or values and {@link Job.Failed}s.
 */
final class Outcomes {
    private final Object[] values;
    private final int[] ints;
    private final long[] longs;

    private Outcomes(Object[] values, int[] ints, long[] longs) {
        this.values = values;
        this.ints = ints;
        this.longs = longs;
    }

    static Outcomes of(Object[] values) {
        return new Outcomes(values, null, null);
    }

    static Outcomes ofInts(int[] ints) {
        return new Outcomes(null, ints, null);
    }

    static Outcomes ofLongs(long[] longs) {
        return new Outcomes(null, null, longs);
    }

    /** {@code failure} for each of {@code items} items. */
    static Outcomes allFailed(Job.Failed failure, int items) {
        Object[] values = new Object[items];
        java.util.Arrays.fill(values, failure);
        return of(values);
    }

    int size() {
        return ints != null ? ints.length : longs != null ? longs.length : values.length;
    }

    /** Item {@code i}'s value, or its {@link Job.Failed}. */
    Object get(int i) {
        return ints != null ? (Object) ints[i] : longs != null ? (Object) longs[i] : values[i];
    }
}
