package org.multiprocessing4j.testing;

/** Bounds for elapsed times in tests. */
public final class Elapsed {
    /**
     * Only a bound for a wait that would otherwise never end: timing is checked from below, as
     * CPython's suite does by default, since a loaded machine can make any wait late.
     */
    public static final long NOT_FOR_EVER_MILLIS = 10_000;

    private Elapsed() {}
}
