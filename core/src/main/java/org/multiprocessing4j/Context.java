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

    public Lock newLock() {
        return new Lock();
    }

    public RLock newRLock() {
        return new RLock();
    }

    public Semaphore newSemaphore(int value) {
        return new Semaphore(value);
    }

    public BoundedSemaphore newBoundedSemaphore(int value) {
        return new BoundedSemaphore(value);
    }

    public Condition newCondition() {
        return new Condition();
    }

    public Condition newCondition(RLock lock) {
        return new Condition(lock);
    }

    public Event newEvent() {
        return new Event();
    }

    public Barrier newBarrier(int parties) {
        return new Barrier(parties);
    }

    @Override
    public String toString() {
        return "Context[" + startMethod + "]";
    }
}
