package org.multiprocessing4j.internal.pool;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * The pool's side of one worker process: its task ring, its seat, and the units sent to it, in the
 * order it runs them. Guarded by the engine's lock.
 */
final class Worker {
    final long id;
    final int seatIndex;
    final WorkerSeat seat;
    final Process process;
    final SharedSegment taskSegment;
    final MessageRing tasks;
    /** Units sent and not answered, oldest first: the worker runs them in this order. */
    final ArrayDeque<Unit> assigned = new ArrayDeque<>();
    /** The numbers of the lambda class headers sent to it ({@link TaskFunction}): later units name them only. */
    final Set<Integer> knownHeaders = new HashSet<>();
    int batchesOut;
    int unitsSent;
    /**
     * It has sent a result, so it runs: a unit sent to it waits for no JVM's boot and no
     * initializer. Until then {@code PoolEngine.dispatch} sends it only what the workers that have
     * answered have no room for.
     */
    boolean answered;
    boolean tasksClosed;
    /** The pool killed it (overrun, cancel, terminate): it takes no more units. */
    boolean killed;
    /** The item the pool killed this worker for overrunning the task timeout, if it did. */
    WorkerSeat.Running overran;
    /** What the worker said it dies of (an OutOfMemoryError), if it could. */
    String dyingNote;
    /** What its initializer threw, if it did: the worker could not start. */
    Throwable initializerFailure;

    Worker(long id, int seatIndex, WorkerSeat seat, Process process, SharedSegment taskSegment, MessageRing tasks) {
        this.id = id;
        this.seatIndex = seatIndex;
        this.seat = seat;
        this.process = process;
        this.taskSegment = taskSegment;
        this.tasks = tasks;
    }

    /** Its name and pid, for messages: {@code SpawnPoolWorker-3 (pid 1234)}. */
    String describe() {
        return process.name() + " (pid " + process.pid().orElse(-1) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
