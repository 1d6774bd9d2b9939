package org.multiprocessing4j.internal.shm;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Var handles for atomic access to shared memory, with (segment, long byte offset) coordinates.
 * Their volatile and compare-and-set operations are sequentially consistent and, on a shared
 * mapping, atomic across processes as well as threads. Offsets must be aligned to the type.
 */
public final class Atomics {
    public static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    public static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private Atomics() {}
}
