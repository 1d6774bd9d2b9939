package org.multiprocessing4j;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The module-level functions of Python's {@code multiprocessing}. */
public final class Multiprocessing {
    /**
     * The system property that gives the default start method, {@code SPAWN} or {@code PRESPAWN}
     * (any case), for a program that does not set one: {@code -Dmultiprocessing4j.startMethod=prespawn}.
     */
    public static final String START_METHOD_PROPERTY = "multiprocessing4j.startMethod";

    private static final Map<StartMethod, Context> CONTEXTS = new EnumMap<>(StartMethod.class);
    /** The default start method, once set; null until then, which means {@link StartMethod#SPAWN}. */
    private static volatile StartMethod defaultMethod;

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
     * For {@link StartMethod#PRESPAWN}, asking also fills, in the background, the spare JVMs of the
     * caller's class path, so that its first start finds one waiting.
     *
     * @param method the start method
     * @return its context
     */
    public static Context getContext(StartMethod method) {
        Context context = CONTEXTS.get(Objects.requireNonNull(method, "method"));
        context.prepareSpares();
        return context;
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
     * The default context: that of {@link #getStartMethod()}.
     *
     * @return the default context
     */
    public static Context getContext() {
        return getContext(getStartMethod());
    }

    /**
     * The start method of processes made without a context: set by {@link #setStartMethod}, or
     * inherited from the parent process, which passes its own to its children as Python's spawn
     * does, or given by {@value #START_METHOD_PROPERTY}; {@link StartMethod#SPAWN} otherwise.
     *
     * @return the default start method
     * @throws IllegalArgumentException if {@value #START_METHOD_PROPERTY} names no start method
     */
    public static StartMethod getStartMethod() {
        StartMethod method = startMethodAsSet();
        return method != null ? method : StartMethod.SPAWN;
    }

    /**
     * Sets the default start method, once, as Python's {@code set_start_method(method)}. Setting
     * {@link StartMethod#PRESPAWN} starts its spare JVMs in the background.
     *
     * @param method the start method of processes made without a context from now on
     * @throws IllegalStateException if it was set before ({@code "context has already been set"})
     */
    public static void setStartMethod(StartMethod method) {
        setStartMethod(method, false);
    }

    /**
     * Sets the default start method, as Python's {@code set_start_method(method, force)}.
     *
     * @param method the start method of processes made without a context from now on
     * @param force whether to set it even if it was set before
     * @throws IllegalStateException if it was set before and {@code force} is false
     */
    public static void setStartMethod(StartMethod method, boolean force) {
        Objects.requireNonNull(method, "method");
        synchronized (CONTEXTS) {
            if (defaultMethod != null && !force) {
                throw new IllegalStateException("context has already been set");
            }
            defaultMethod = method;
        }
        CONTEXTS.get(method).prepareSpares();
    }

    /** In a child: the default start method of its parent, or null if the parent had set none. */
    static void inheritStartMethod(StartMethod method) {
        defaultMethod = method;
    }

    /**
     * The default start method as set, or as {@value #START_METHOD_PROPERTY} gives it; null if
     * neither: what a child inherits.
     */
    static StartMethod startMethodAsSet() {
        StartMethod method = defaultMethod;
        if (method != null) {
            return method;
        }
        String property = System.getProperty(START_METHOD_PROPERTY);
        if (property == null) {
            return null;
        }
        for (StartMethod named : StartMethod.values()) {
            if (named.name().equalsIgnoreCase(property.strip())) {
                return named;
            }
        }
        throw new IllegalArgumentException("-D" + START_METHOD_PROPERTY + "=" + property
                + " names no start method; use one of " + Arrays.toString(StartMethod.values()));
    }
}
