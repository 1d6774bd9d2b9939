package org.multiprocessing4j;

import org.multiprocessing4j.function.SerializableRunnable;

/**
 * The factories of this library bound to one {@link StartMethod}, as Python's
 * {@code get_context(method)}: objects made through a context start their processes with its
 * method.
 */
public final class Context {
    private final StartMethod startMethod;

    Context(StartMethod startMethod) {
        this.startMethod = startMethod;
    }

    /** The start method of this context. */
    public StartMethod startMethod() {
        return startMethod;
    }

    /** A process that will run {@code target}. */
    public Process newProcess(SerializableRunnable target) {
        return new Process(target);
    }

    /** A named process that will run {@code target}. */
    public Process newProcess(SerializableRunnable target, String name) {
        return new Process(target, name);
    }

    @Override
    public String toString() {
        return "Context[" + startMethod + "]";
    }
}
