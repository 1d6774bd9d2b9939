package org.multiprocessing4j;

import org.multiprocessing4j.function.SerializableRunnable;

/**
 * The factories of this library bound to one {@link StartMethod}, as Python's
 * {@code get_context(method)}: objects made through a context start their processes with its
 * method. Every primitive, queue, pipe, value and array has its factory here, as on Python's
 * context object.
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

    public <E> Queue<E> newQueue() {
        return new Queue<>();
    }

    /** A queue of at most {@code maxsize} items; zero or negative means unbounded. */
    public <E> Queue<E> newQueue(int maxsize) {
        return new Queue<>(maxsize);
    }

    public <E> JoinableQueue<E> newJoinableQueue() {
        return new JoinableQueue<>();
    }

    public <E> JoinableQueue<E> newJoinableQueue(int maxsize) {
        return new JoinableQueue<>(maxsize);
    }

    public <E> SimpleQueue<E> newSimpleQueue() {
        return new SimpleQueue<>();
    }

    /** A duplex pipe, as {@link Pipe#open()}. */
    public Pipe newPipe() {
        return Pipe.open();
    }

    /** As {@link Pipe#open(boolean)}. */
    public Pipe newPipe(boolean duplex) {
        return Pipe.open(duplex);
    }

    /** As {@link Value#ofLong}. */
    public SharedLong newLongValue(long initial) {
        return Value.ofLong(initial);
    }

    /** As {@link Value#ofInt}. */
    public SharedInt newIntValue(int initial) {
        return Value.ofInt(initial);
    }

    /** As {@link Value#ofDouble}. */
    public SharedDouble newDoubleValue(double initial) {
        return Value.ofDouble(initial);
    }

    /** As {@link Array#ofLongs(int)}. */
    public SharedLongArray newLongArray(int length) {
        return Array.ofLongs(length);
    }

    /** As {@link Array#ofLongs(long[])}. */
    public SharedLongArray newLongArray(long[] initial) {
        return Array.ofLongs(initial);
    }

    /** As {@link Array#ofInts(int)}. */
    public SharedIntArray newIntArray(int length) {
        return Array.ofInts(length);
    }

    /** As {@link Array#ofInts(int[])}. */
    public SharedIntArray newIntArray(int[] initial) {
        return Array.ofInts(initial);
    }

    /** As {@link Array#ofDoubles(int)}. */
    public SharedDoubleArray newDoubleArray(int length) {
        return Array.ofDoubles(length);
    }

    /** As {@link Array#ofDoubles(double[])}. */
    public SharedDoubleArray newDoubleArray(double[] initial) {
        return Array.ofDoubles(initial);
    }

    @Override
    public String toString() {
        return "Context[" + startMethod + "]";
    }
}
