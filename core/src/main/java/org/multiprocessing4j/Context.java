package org.multiprocessing4j;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.launch.AotCoverage;
import org.multiprocessing4j.internal.launch.ClassPath;
import org.multiprocessing4j.internal.launch.Spares;

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

    /**
     * The start method of this context.
     *
     * @return the start method
     */
    public StartMethod startMethod() {
        return startMethod;
    }

    /**
     * A process that will run {@code target}, as {@link Process#Process(SerializableRunnable)}.
     *
     * @param target the task
     * @return a process, not yet started
     */
    public Process newProcess(SerializableRunnable target) {
        return new Process(target).withStartMethod(startMethod);
    }

    /**
     * A named process that will run {@code target}.
     *
     * @param target the task
     * @param name the process's name
     * @return a process, not yet started
     */
    public Process newProcess(SerializableRunnable target, String name) {
        return new Process(target, name).withStartMethod(startMethod);
    }

    /**
     * How many spare JVMs {@link StartMethod#PRESPAWN} keeps ready for each class path and set of
     * JVM options; {@value Spares#DEFAULT_COUNT} unless set.
     *
     * @return the number of spares
     * @throws IllegalStateException if this context is not PRESPAWN's
     */
    public int spares() {
        checkPrespawn();
        return Spares.count();
    }

    /**
     * Sets how many spare JVMs {@link StartMethod#PRESPAWN} keeps ready for each class path and set
     * of JVM options, from the next start on. Each spare is a JVM that has started and waits, idle,
     * for a task: it costs memory (see the README's performance section) and no CPU. Zero keeps none,
     * dismisses those waiting now and those still starting, cancels the refills already scheduled
     * (a count set again starts spares from the next start on), and makes every start begin a JVM on
     * the caller's path, as SPAWN does.
     *
     * @param spares how many, at least 0
     * @return this context
     * @throws IllegalArgumentException if {@code spares} is negative
     * @throws IllegalStateException if this context is not PRESPAWN's
     */
    public Context setSpares(int spares) {
        checkPrespawn();
        Spares.setCount(spares);
        return this;
    }

    /**
     * How long a spare JVM waits for a task before it exits; one minute unless set.
     *
     * @return the idle timeout
     * @throws IllegalStateException if this context is not PRESPAWN's
     */
    public Duration spareIdleTimeout() {
        checkPrespawn();
        return Spares.idleTimeout();
    }

    /**
     * Sets how long spare JVMs started from now on wait for a task before they exit. A start that
     * finds no spare waiting begins a JVM itself, and refills the spares.
     *
     * @param timeout how long, positive; any size
     * @return this context
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws IllegalStateException if this context is not PRESPAWN's
     */
    public Context setSpareIdleTimeout(Duration timeout) {
        checkPrespawn();
        Spares.setIdleTimeout(Objects.requireNonNull(timeout, "timeout"));
        return this;
    }

    private void checkPrespawn() {
        if (startMethod != StartMethod.PRESPAWN) {
            throw new IllegalStateException("spares belong to the PRESPAWN start method, not " + startMethod);
        }
    }

    /**
     * For PRESPAWN: fills, in the background, the spares of the class path of the application that
     * asked for this context, so that its first start finds one ready; not in a daemon process,
     * which may not start one. A loader no child could load from is left for {@code start()} to
     * report.
     */
    void prepareSpares() {
        if (startMethod != StartMethod.PRESPAWN || ProcessTree.current().isDaemon()) {
            return; // a daemon process may not have children
        }
        Class<?> application = Process.callerOutside(Context.class, Multiprocessing.class);
        try {
            Spares.prepare(ClassPath.forChild(application), () -> Process.trainingLaunch(List.of(), AotCoverage.LIBRARY), Process::spareWarmUp);
        } catch (IllegalStateException noClassPath) {
            Log.debug("no spares for " + application + ": " + noClassPath.getMessage());
        }
    }

    /**
     * A pool of {@code processes} workers started with this context's start method; Python's
     * {@code ctx.Pool(processes)}. {@link Pool#builder()} with {@link Pool.Builder#context} sets more.
     *
     * @param processes how many workers
     * @return the pool
     */
    public Pool newPool(int processes) {
        return Pool.builder().processes(processes).context(this).build();
    }

    /**
     * Starts a manager whose server is started with this context's start method; Python's
     * {@code ctx.Manager()}. {@link Manager#builder()} with {@link Manager.Builder#context} sets more.
     *
     * @return the manager, started
     * @throws ManagerException if the server process could not start
     */
    public Manager newManager() {
        return Manager.builder().context(this).start();
    }

    /**
     * A new lock, as {@link Lock#Lock()}.
     *
     * @return an unlocked lock
     */
    public Lock newLock() {
        return new Lock();
    }

    /**
     * A new reentrant lock, as {@link RLock#RLock()}.
     *
     * @return an unlocked reentrant lock
     */
    public RLock newRLock() {
        return new RLock();
    }

    /**
     * A semaphore, as {@link Semaphore#Semaphore(int)}.
     *
     * @param value the initial permits, at least 0
     * @return a semaphore
     */
    public Semaphore newSemaphore(int value) {
        return new Semaphore(value);
    }

    /**
     * A bounded semaphore, as {@link BoundedSemaphore#BoundedSemaphore(int)}.
     *
     * @param value the initial permits, and the most it may have
     * @return a bounded semaphore
     */
    public BoundedSemaphore newBoundedSemaphore(int value) {
        return new BoundedSemaphore(value);
    }

    /**
     * A condition with a lock of its own, as {@link Condition#Condition()}.
     *
     * @return a condition
     */
    public Condition newCondition() {
        return new Condition();
    }

    /**
     * A condition over {@code lock}.
     *
     * @param lock the lock it waits under
     * @return a condition
     */
    public Condition newCondition(RLock lock) {
        return new Condition(lock);
    }

    /**
     * A new event, clear.
     *
     * @return an event
     */
    public Event newEvent() {
        return new Event();
    }

    /**
     * A barrier, as {@link Barrier#Barrier(int)}.
     *
     * @param parties how many wait for each other, at least 1
     * @return a barrier
     */
    public Barrier newBarrier(int parties) {
        return new Barrier(parties);
    }

    /**
     * An unbounded queue, as {@link Queue#Queue()}.
     *
     * @param <E> the type of the items
     * @return a queue
     */
    public <E> Queue<E> newQueue() {
        return new Queue<>();
    }

    /**
     * A queue of at most {@code maxsize} items; zero or negative means unbounded.
     *
     * @param <E> the type of the items
     * @param maxsize the most items it holds
     * @return a queue
     */
    public <E> Queue<E> newQueue(int maxsize) {
        return new Queue<>(maxsize);
    }

    /**
     * An unbounded joinable queue, as {@link JoinableQueue#JoinableQueue()}.
     *
     * @param <E> the type of the items
     * @return a joinable queue
     */
    public <E> JoinableQueue<E> newJoinableQueue() {
        return new JoinableQueue<>();
    }

    /**
     * A joinable queue of at most {@code maxsize} items; zero or negative means unbounded.
     *
     * @param <E> the type of the items
     * @param maxsize the most items it holds
     * @return a joinable queue
     */
    public <E> JoinableQueue<E> newJoinableQueue(int maxsize) {
        return new JoinableQueue<>(maxsize);
    }

    /**
     * A simple queue, as {@link SimpleQueue#SimpleQueue()}.
     *
     * @param <E> the type of the items
     * @return a simple queue
     */
    public <E> SimpleQueue<E> newSimpleQueue() {
        return new SimpleQueue<>();
    }

    /**
     * A duplex pipe, as {@link Pipe#open()}.
     *
     * @return a pipe
     */
    public Pipe newPipe() {
        return Pipe.open();
    }

    /**
     * A pipe, as {@link Pipe#open(boolean)}.
     *
     * @param duplex false for a pipe whose first end only receives and second only sends
     * @return a pipe
     */
    public Pipe newPipe(boolean duplex) {
        return Pipe.open(duplex);
    }

    /**
     * A shared long, as {@link Value#ofLong}.
     *
     * @param initial its value
     * @return a shared long
     */
    public SharedLong newLongValue(long initial) {
        return Value.ofLong(initial);
    }

    /**
     * A shared int, as {@link Value#ofInt}.
     *
     * @param initial its value
     * @return a shared int
     */
    public SharedInt newIntValue(int initial) {
        return Value.ofInt(initial);
    }

    /**
     * A shared double, as {@link Value#ofDouble}.
     *
     * @param initial its value
     * @return a shared double
     */
    public SharedDouble newDoubleValue(double initial) {
        return Value.ofDouble(initial);
    }

    /**
     * A zero-filled shared array of longs, as {@link Array#ofLongs(int)}.
     *
     * @param length its length, at least 0
     * @return a shared array
     */
    public SharedLongArray newLongArray(int length) {
        return Array.ofLongs(length);
    }

    /**
     * A shared array of longs holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return a shared array
     */
    public SharedLongArray newLongArray(long[] initial) {
        return Array.ofLongs(initial);
    }

    /**
     * A zero-filled shared array of ints, as {@link Array#ofInts(int)}.
     *
     * @param length its length, at least 0
     * @return a shared array
     */
    public SharedIntArray newIntArray(int length) {
        return Array.ofInts(length);
    }

    /**
     * A shared array of ints holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return a shared array
     */
    public SharedIntArray newIntArray(int[] initial) {
        return Array.ofInts(initial);
    }

    /**
     * A zero-filled shared array of doubles, as {@link Array#ofDoubles(int)}.
     *
     * @param length its length, at least 0
     * @return a shared array
     */
    public SharedDoubleArray newDoubleArray(int length) {
        return Array.ofDoubles(length);
    }

    /**
     * A shared array of doubles holding a copy of {@code initial}.
     *
     * @param initial its elements
     * @return a shared array
     */
    public SharedDoubleArray newDoubleArray(double[] initial) {
        return Array.ofDoubles(initial);
    }

    @Override
    public String toString() {
        return "Context[" + startMethod + "]";
    }
}
