package org.multiprocessing4j.internal.pool;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.multiprocessing4j.MaybeEncodingException;
import org.multiprocessing4j.function.SerializableBiFunction;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableFunction;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.IdleCollection;
import org.multiprocessing4j.internal.shm.MessageRing;

/**
 * What a pool worker runs, Python's {@code pool.worker}: the initializer, then batches of units from
 * its own task ring, each unit's result into the pool's result ring, until the pool closes the ring
 * or the worker has run its share of units ({@code maxTasksPerChild}).
 *
 * <p>Every item's outcome is sent, whether the function returned or threw: an exception thrown by
 * the task, and a result or exception that cannot be serialized ({@link MaybeEncodingException}),
 * fail that item only. A {@link VirtualMachineError} other than a stack overflow (an
 * {@link OutOfMemoryError} above all) leaves the worker in no state to go on: it says so in a DYING
 * message, if it still can, and dies of it; the pool then fails the unit and replaces the worker.
 */
final class WorkerLoop {
    private static final Duration DYING_MESSAGE_WAIT = Duration.ofMillis(100);
    private static final Column NO_ARGUMENTS = Column.of(new Object[0]);

    private final MessageRing results;
    private final ResultSender sender;
    private final WorkerSeat seat;
    private final long workerId;
    private final boolean timed;
    private final FunctionReader functions = new FunctionReader();
    /** The result of the unit being run; {@link ResultSender#add} copies it, so it is reused. */
    private FrameBuffer unitResult = new FrameBuffer();
    /** Made once the worker has mapped what it keeps (the pool's rings, what its initializer made). */
    private IdleCollection idleCollection;

    private WorkerLoop(MessageRing results, WorkerSeat seat, long workerId, boolean timed) {
        this.results = results;
        this.sender = new ResultSender(results);
        this.seat = seat;
        this.workerId = workerId;
        this.timed = timed;
    }

    /**
     * A worker's task, which captures only values with compact forms, so that the worker starts
     * without Java serialization.
     *
     * @param pool the pool's shared state ({@link PoolSegment#describe})
     * @param tasks this worker's task ring ({@link MessageRing#writeTo})
     * @param initializer the initializer's bytes ({@link TaskFunction#standalone}), or null
     * @param maxTasks units to run before exiting; 0 for no limit
     * @param timed whether the pool times each item, so that the seat must say when each began
     */
    static SerializableRunnable task(byte[] pool, int seatIndex, byte[] tasks, long workerId, byte[] initializer,
            int maxTasks, boolean timed) {
        return () -> run(pool, seatIndex, tasks, workerId, initializer, maxTasks, timed);
    }

    static void run(byte[] pool, int seatIndex, byte[] tasks, long workerId, byte[] initializer,
            int maxTasks, boolean timed) throws Exception {
        PoolSegment state = PoolSegment.read(pool);
        MessageRing taskRing = MessageRing.readFrom(new DataInputStream(new ByteArrayInputStream(tasks)));
        WorkerLoop worker = new WorkerLoop(state.results(), state.seat(seatIndex), workerId, timed);
        if (initializer != null) {
            worker.initialize(initializer);
        }
        worker.serve(taskRing, maxTasks);
    }

    /** Runs the initializer; if it throws, tells the pool, then dies of it (exit code 1). */
    private void initialize(byte[] initializer) throws Exception {
        try {
            ((SerializableRunnable) functions.read(ByteBuffer.wrap(initializer), false)).run();
        } catch (Exception e) {
            results.put(Frames.startupFailed(workerId, Values.failure(e)), Deadline.never());
            throw e;
        }
    }

    private void serve(MessageRing tasks, int maxTasks) throws Exception {
        idleCollection = new IdleCollection();
        int done = 0;
        while (maxTasks == 0 || done < maxTasks) {
            byte[] batch;
            try {
                batch = nextBatch(tasks);
            } catch (EOFException poolClosed) {
                return;
            }
            ByteBuffer in = ByteBuffer.wrap(batch);
            for (int units = Frames.count(in); units > 0; units--) {
                long unit = in.getLong();
                sender.add(runUnit(unit, Frames.slice(in)));
                seat.idle();
                done++;
            }
            functions.forgetBatch();
            sender.flush();
        }
    }

    /**
     * The next batch. A worker whose tasks mapped shared memory, and which then has nothing to do for
     * {@link IdleCollection#IDLE_AFTER}, asks for a collection ({@link IdleCollection}), so that an
     * open pool's idle workers do not keep the segments their tasks dropped.
     */
    private byte[] nextBatch(MessageRing tasks) throws InterruptedException, IOException {
        if (idleCollection.mappedSince()) {
            byte[] batch = tasks.take(Deadline.after(IdleCollection.IDLE_AFTER));
            if (batch != null) {
                return batch;
            }
            idleCollection.collectIfMappedSince();
        }
        return tasks.take(Deadline.never());
    }

    /** Runs every item of one unit; returns its result: unit id, nanoseconds, outcomes ({@link Frames}). */
    private FrameBuffer runUnit(long unit, ByteBuffer payload) {
        long began = System.nanoTime();
        seat.beginUnit(unit, timed ? began : 0);
        if (unitResult.capacity() > ResultSender.MAX_GATHERED_BYTES) { // a large result's room is not kept
            unitResult = new FrameBuffer();
        }
        FrameBuffer out = unitResult;
        out.clear();
        out.putLong(unit).putLong(0);
        if (seat.cancelled(unit)) { // its outcome goes to nobody: the pool only counts it done
            Values.writeOutcomes(out, UnitOutcomes.allFailed(1, Values.failure(
                    new java.util.concurrent.CancellationException("cancelled before it began"))));
            return out;
        }
        Column arguments;
        Object function;
        byte kind;
        try {
            kind = payload.get();
            function = functions.read(payload, kind != Frames.CALL);
            arguments = kind == Frames.CALL ? NO_ARGUMENTS : Values.read(payload);
        } catch (IOException | RuntimeException unreadable) { // one failure stands for every item
            Values.writeOutcomes(out, UnitOutcomes.allFailed(1, Values.failure(unreadable)));
            return out;
        }
        int items = kind == Frames.CALL ? 1 : kind == Frames.PAIRS ? arguments.size() / 2 : arguments.size();
        UnitOutcomes outcomes = new UnitOutcomes(items);
        for (int i = 0; i < items; i++) {
            if (i > 0) {
                seat.beginItem(i, timed ? System.nanoTime() : 0);
            }
            try {
                outcomes.succeeded(i, switch (kind) {
                    case Frames.CALL -> call(function);
                    case Frames.EACH -> apply(function, arguments.get(i));
                    case Frames.PAIRS -> applyToPair(function, arguments.get(2 * i), arguments.get(2 * i + 1));
                    default -> throw new IOException("a pool unit of unknown kind " + kind);
                });
            } catch (Exception | StackOverflowError thrown) {
                outcomes.failed(i, Values.failure(thrown));
            } catch (VirtualMachineError fatal) {
                sayDying(fatal);
                throw fatal;
            }
        }
        out.putLong(Long.BYTES, System.nanoTime() - began);
        Values.writeOutcomes(out, outcomes);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object apply(Object function, Object item) throws Exception {
        return ((SerializableFunction<Object, Object>) function).apply(item);
    }

    @SuppressWarnings("unchecked")
    private static Object applyToPair(Object function, Object first, Object second) throws Exception {
        return ((SerializableBiFunction<Object, Object, Object>) function).apply(first, second);
    }

    /** Runs a submitted task of any of the interfaces a pool takes. */
    private static Object call(Object task) throws Exception {
        if (task instanceof SerializableCallable<?> callable) {
            return callable.call();
        } else if (task instanceof Callable<?> callable) {
            return callable.call();
        } else if (task instanceof SerializableRunnable runnable) {
            runnable.run();
            return null;
        } else if (task instanceof Runnable runnable) {
            runnable.run();
            return null;
        }
        throw new IllegalArgumentException("not a task: " + task.getClass().getName());
    }

    /** Tells the pool what kills this worker, if the result ring takes it soon; it may not, out of memory. */
    private void sayDying(VirtualMachineError fatal) {
        try {
            results.put(Frames.dying(workerId, fatal.toString()), Deadline.after(DYING_MESSAGE_WAIT));
        } catch (Throwable cannot) { // the error itself is what the worker dies of
            fatal.addSuppressed(cannot);
        }
    }
}
