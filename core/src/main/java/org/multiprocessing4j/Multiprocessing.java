package org.multiprocessing4j;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The module-level functions of Python's {@code multiprocessing}. */
public final class Multiprocessing {
    private static final Map<StartMethod, Context> CONTEXTS = new EnumMap<>(StartMethod.class);

    static {
        for (StartMethod method : StartMethod.values()) {
            CONTEXTS.put(method, new Context(method));
        }
    }

    private Multiprocessing() {}

    /**
     * The object for the process this code runs in: named {@code MainProcess} in a program started
     * by hand, and in a child the copy of the {@link Process} its parent started.
     *
     * @return this process
     */
    public static Process currentProcess() {
        return ProcessTree.current();
    }

    /**
     * The parent of this process; empty in a main process.
     *
     * @return the parent, seen from here
     */
    public static Optional<Process> parentProcess() {
        return ProcessTree.parent();
    }

    /**
     * The children this process started that are still alive; those that ended are forgotten.
     *
     * @return the live children
     */
    public static List<Process> activeChildren() {
        return ProcessTree.activeChildren();
    }

    /**
     * The number of processors available to this JVM, at least 1.
     *
     * @return the processor count
     */
    public static int cpuCount() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The context for {@code method}: the factories of this library bound to that start method.
     *
     * @param method the start method
     * @return its context
     */
    public static Context getContext(StartMethod method) {
        return CONTEXTS.get(method);
    }

    /**
     * Uses {@code serializer} for queue and pipe items without a compact form of their own, in this
     * process and in the children it starts from now on; {@code null} restores Java serialization.
     *
     * @param serializer the serializer, or null
     */
    public static void setSerializer(Serializer serializer) {
        ProcessTree.setSerializer(serializer);
    }

    /**
     * The serializer set with {@link #setSerializer}, if any.
     *
     * @return the serializer
     */
    public static Optional<Serializer> serializer() {
        return Optional.ofNullable(ProcessTree.serializer());
    }

    /**
     * The default context, which uses {@link StartMethod#SPAWN}.
     *
     * @return the default context
     */
    public static Context getContext() {
        return getContext(StartMethod.SPAWN);
    }
}
