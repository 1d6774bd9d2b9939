package org.multiprocessing4j.internal.pool;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.WorkerDiedException;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.wire.Codec;

/**
 * The engine of a {@code Pool}: its worker processes, the units waiting for one, and the thread that
 * reads results, as CPython's {@code Pool} has its worker, task and result handlers.
 *
 * <p>Each worker reads batches of units from a ring of its own; all of them send results into the
 * pool's one result ring ({@link PoolSegment}), which only the result thread reads. Sending to each
 * worker its own units, rather than letting workers take from one queue, means the pool always
 * knows who has what: when a worker dies, the unit its seat says it was running fails (with
 * {@link WorkerDiedException}, or {@link TimeoutException} if the pool killed it for overrunning),
 * and the units it had not begun go back, in order, to the front of the queue. Nothing is lost and
 * nothing waits for ever, which is where CPython's Pool hangs (gh-66587). A worker gets at most
 * {@link #MAX_BATCHES_OUT} batches ahead of its results; their size comes from {@link BatchSizer}.
 *
 * <p>Invariants, under {@link #lock}: every unit submitted and not yet finished is in
 * {@link #inflight}, and in exactly one of {@link #pending} and some worker's {@code assigned}; a
 * unit leaves {@code inflight} exactly once, and whoever removes it delivers its outcome, after
 * releasing the lock: jobs are never called with the lock held, since they may run user code.
 *
 * <p>The result thread wakes at least every {@link #TICK}: to see workers that died (after reading
 * every result they sent, which was in the ring before they died), to kill a worker whose item has
 * overrun the task timeout, and to see the pool terminated. Submitting threads send units
 * themselves, and the result thread sends more as results free room.
 */
public final class PoolEngine {
    /** Makes the process of a new worker, named and configured, not started. */
    @FunctionalInterface
    public interface WorkerFactory {
        Process newWorker(SerializableRunnable task);
    }

    /**
     * How the pool runs.
     *
     * @param initializer the initializer's bytes ({@link #encodeInitializer}), or null
     * @param maxTasksPerChild units a worker runs before it is replaced; 0 for no limit
     * @param taskTimeout how long one item may run before its worker is killed; null for no limit
     */
    public record Settings(int processes, byte[] initializer, int maxTasksPerChild, Duration taskTimeout,
            WorkerFactory factory) {}

    private enum State { RUNNING, CLOSED, BROKEN, TERMINATING, TERMINATED }

    static final int TASK_RING_CAPACITY = 1 << 20;
    /** The order in which {@link #dispatch} serves the workers: those that have answered, then the others. */
    private static final boolean[] ANSWERED_FIRST = {true, false};
    static final int MAX_BATCHES_OUT = 2;
    /** The most units a worker has been sent and not begun: its seat's table of cancellations holds as many. */
    public static final int MAX_UNITS_AHEAD = MAX_BATCHES_OUT * BatchSizer.MAX_UNITS;
    /** A batch stays well below the size that would go through a spill file. */
    static final int MAX_BATCH_BYTES = TASK_RING_CAPACITY / 8;
    /** How often, at least, the result thread looks at the workers; a quarter of a shorter task timeout. */
    static final Duration TICK = Duration.ofMillis(20);
    /** How long terminate waits for a killed worker to be reaped before it moves on. */
    private static final Duration REAP_WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Settings settings;
    private final long timeoutNanos;
    private final Duration tick;
    private final PoolSegment shared;
    private final byte[] sharedDescription;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminated = lock.newCondition();
    private final AtomicLong unitIds = new AtomicLong();

    // Guarded by lock.
    private final Worker[] seats;
    private final ArrayDeque<Unit> pending = new ArrayDeque<>();
    private final Map<Long, Unit> inflight = new HashMap<>();
    private final BatchSizer sizer = new BatchSizer();
    private State state = State.RUNNING;
    private String stopReason;
    private long workerIds;
    /** The jobs still reading their input (imaps), told when the pool shuts down. */
    private final Set<Job> reading = new HashSet<>();
    private int nextSeat;

    /**
     * Starts the workers and the result thread.
     *
     * @throws RuntimeException whatever starting a worker throws; the workers started before it are
     *     killed, and nothing is left behind
     */
    public PoolEngine(Settings settings) {
        this.settings = settings;
        this.timeoutNanos = settings.taskTimeout() == null ? 0 : Deadline.nanos(settings.taskTimeout());
        this.tick = timeoutNanos > 0 && timeoutNanos / 4 < TICK.toNanos()
                ? Duration.ofNanos(Math.max(1_000_000, timeoutNanos / 4)) : TICK;
        this.seats = new Worker[settings.processes()];
        this.shared = PoolSegment.create(settings.processes());
        this.sharedDescription = shared.describe();
        lock.lock();
        try {
            for (int i = 0; i < seats.length; i++) {
                startWorker(i);
            }
        } catch (RuntimeException | Error e) {
            killAll();
            shared.retire();
            throw e;
        } finally {
            lock.unlock();
        }
        Thread collector = new Thread(this::collect, "mp4j-pool-" + POOLS.incrementAndGet() + "-results");
        collector.setDaemon(true);
        collector.start();
    }

    /** The bytes of a pool's initializer, as {@link Settings#initializer} takes them. */
    public static byte[] encodeInitializer(Object initializer, String what) {
        return TaskFunction.of(initializer, what).standalone();
    }

    public int processes() {
        return seats.length;
    }

    long newUnitId() {
        return unitIds.incrementAndGet();
    }

    /**
     * Queues units and sends what workers have room for.
     *
     * @param continuation true for the further units of a job made before {@link #shutdown}, such as
     *     an imap reading on: they are taken while the pool finishes its work
     * @throws RejectedExecutionException if the pool takes no more work
     */
    void submit(List<Unit> units, boolean continuation) {
        lock.lock();
        try {
            if (state != State.RUNNING && !(continuation && state == State.CLOSED)) {
                throw new RejectedExecutionException(notRunning());
            }
            for (Unit unit : units) {
                inflight.put(unit.id, unit);
                pending.add(unit);
            }
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Checks that the pool takes new work, as {@link #submit} will. */
    void checkRunning() {
        lock.lock();
        try {
            if (state != State.RUNNING) {
                throw new RejectedExecutionException(notRunning());
            }
        } finally {
            lock.unlock();
        }
    }

    /** A job that will submit more units as it reads its input (an imap), until {@link #closeJob}. */
    void openJob(Job job) {
        lock.lock();
        try {
            reading.add(job);
        } finally {
            lock.unlock();
        }
    }

    void closeJob(Job job) {
        lock.lock();
        try {
            reading.remove(job);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops {@code job}'s work: its units not yet sent are dropped; with {@code interrupt}, a worker
     * running one of its units is killed (and replaced). Units sent and not begun run, and their
     * results are ignored.
     */
    void cancel(Job job, boolean interrupt) {
        lock.lock();
        try {
            pending.removeIf(unit -> {
                if (unit.job == job) {
                    inflight.remove(unit.id);
                    return true;
                }
                return false;
            });
            for (Worker worker : seats) {
                if (worker == null || worker.killed) {
                    continue;
                }
                Unit running = runningUnit(worker);
                if (interrupt && running != null && running.job == job) {
                    worker.killed = true;
                    worker.process.kill();
                    continue;
                }
                for (Unit unit : notBegun(worker)) {
                    if (unit.job == job) {
                        worker.seat.cancel(unit.id);
                    }
                }
            }
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Python's close: takes no new work; the workers finish what was submitted, then exit. */
    public void shutdown() {
        List<Job> stillReading;
        lock.lock();
        try {
            if (state == State.RUNNING) {
                state = State.CLOSED;
                stopReason = "shut down";
            }
            stillReading = new ArrayList<>(reading);
            reading.clear();
            dispatch();
        } finally {
            lock.unlock();
        }
        for (Job job : stillReading) {
            job.poolShutDown();
        }
    }

    /**
     * Kills the workers now and cancels every unit not finished; returns once the workers are gone.
     *
     * @return the units that no worker had begun, in the order they were queued
     */
    public List<Unit> terminate() {
        List<Unit> neverBegun = new ArrayList<>();
        cancel(killWorkers(neverBegun));
        return neverBegun;
    }

    /**
     * Kills the workers of {@code engines} as {@link #terminate} does, at the program's end, and
     * leaves the units not finished as they are: a thread that waits on one waits on until the JVM
     * halts under it, as Python's ends under a pool's callers on SIGTERM, rather than fail and print
     * its failure while the program ends. Should the program still run {@code grace} later (a
     * shutdown hook of the user's that waits on a result, say), those units are cancelled then, so
     * that nothing waits for ever.
     */
    public static void terminateAtExit(List<PoolEngine> engines, Duration grace) {
        List<Unit> unfinished = new ArrayList<>();
        for (PoolEngine engine : engines) {
            unfinished.addAll(engine.killWorkers(new ArrayList<>()));
        }
        if (unfinished.isEmpty()) {
            return;
        }
        Thread.ofPlatform().daemon().name("mp4j-pool-exit-cancel").start(() -> {
            try {
                Thread.sleep(grace);
            } catch (InterruptedException e) {
                // cancel now
            }
            cancel(unfinished);
        });
    }

    private static void cancel(List<Unit> units) {
        for (Unit unit : units) {
            unit.job.cancelled(unit);
        }
    }

    /**
     * Kills the workers, returns once they are gone, and takes every unit not finished out of the
     * pool; adds to {@code neverBegun} those that no worker had begun, in the order they were queued.
     *
     * @return the units not finished, for the caller to cancel or not
     */
    private List<Unit> killWorkers(List<Unit> neverBegun) {
        List<Unit> dropped;
        List<Worker> live = new ArrayList<>();
        lock.lock();
        try {
            if (state == State.TERMINATED) {
                return List.of();
            }
            for (Worker worker : seats) {
                if (worker != null) {
                    live.add(worker);
                    neverBegun.addAll(notBegun(worker));
                    worker.assigned.clear();
                    worker.killed = true;
                }
            }
            neverBegun.addAll(pending);
            dropped = new ArrayList<>(inflight.values());
            inflight.clear();
            pending.clear();
            state = State.TERMINATING;
            stopReason = "terminated";
        } finally {
            lock.unlock();
        }
        killAll(live);
        awaitReaped(live);
        lock.lock();
        try {
            for (Worker worker : live) {
                bury(worker, new ArrayList<>());
            }
            checkTerminated();
        } finally {
            lock.unlock();
        }
        return dropped;
    }

    /**
     * Waits until the pool has terminated: after {@link #shutdown}, once every submitted unit is done
     * and the workers have exited; after {@link #terminate}, once the workers are gone.
     */
    public boolean awaitTermination(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (state != State.TERMINATED) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public boolean isShutdown() {
        lock.lock();
        try {
            return state != State.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    public boolean isTerminated() {
        lock.lock();
        try {
            return state == State.TERMINATED;
        } finally {
            lock.unlock();
        }
    }

    public String describeState() {
        lock.lock();
        try {
            return state.name().toLowerCase(java.util.Locale.ROOT) + ", " + seats.length + " workers, "
                    + inflight.size() + " units unfinished";
        } finally {
            lock.unlock();
        }
    }

    // ---- the result thread ----

    private void collect() {
        MessageRing results = shared.results();
        while (true) {
            try {
                byte[] frame = results.take(Deadline.after(tick));
                while (frame != null) {
                    handle(frame);
                    frame = results.take(Deadline.immediate());
                }
            } catch (IOException damaged) {
                stopForDamage(damaged);
            } catch (InterruptedException e) {
                // nobody interrupts this thread on purpose; look at the workers and go on
            } catch (RuntimeException | Error e) {
                Log.warning("pool result thread: " + e, e);
            }
            if (watchWorkers()) {
                return;
            }
        }
    }

    /** Reads every result already in the ring: those a worker found dead sent before it died. */
    private void drain() {
        try {
            for (byte[] frame; (frame = shared.results().take(Deadline.immediate())) != null; ) {
                handle(frame);
            }
        } catch (IOException damaged) {
            stopForDamage(damaged);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A result frame was damaged: some unit's result is lost, and which one is unknown, so the pool stops. */
    private void stopForDamage(IOException damaged) {
        List<Runnable> deliveries = new ArrayList<>();
        stop("the pool is broken: its result ring is damaged: " + damaged.getMessage(), damaged, deliveries);
        deliveries.forEach(Runnable::run);
    }

    private void handle(byte[] frame) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(frame);
        byte type = in.get();
        if (type == Frames.RESULTS) {
            for (int units = Frames.count(in); units > 0; units--) {
                handleResult(in);
            }
            return;
        }
        long workerId = in.getLong();
        byte[] body = Frames.bytes(in);
        lock.lock();
        try {
            Worker worker = workerWithId(workerId);
            if (worker == null) {
                return;
            }
            if (type == Frames.STARTUP_FAILED) {
                worker.initializerFailure = Codec.decode(body) instanceof Throwable t ? t
                        : new IOException("the initializer failed with something that is not an exception");
            } else if (type == Frames.DYING) {
                worker.dyingNote = new String(body, StandardCharsets.UTF_8);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One unit's result from a RESULTS frame: takes it off its worker, then gives its outcomes to
     * its job. A frame cut short is damage, not a failure of this thread: the pool stops.
     */
    private void handleResult(ByteBuffer in) throws IOException {
        long unitId;
        long nanos;
        Column outcomes;
        try {
            unitId = in.getLong();
            nanos = in.getLong();
            outcomes = Values.readOutcomes(in);
        } catch (RuntimeException e) {
            throw new StreamCorruptedException("a result frame is cut short: " + e);
        }
        Unit unit;
        lock.lock();
        try {
            unit = inflight.remove(unitId);
            if (unit == null) {
                return; // cancelled, or the pool was terminated
            }
            Worker worker = unit.worker;
            if (worker != null) {
                worker.answered = true;
                worker.assigned.remove(unit);
                if (unit.lastOfBatch) {
                    worker.batchesOut--;
                }
            }
            sizer.record(nanos);
            dispatch();
        } finally {
            lock.unlock();
        }
        unit.job.completed(unit, outcomes.size() == unit.items ? outcomes : stretched(outcomes, unit.items));
    }

    /** A worker that could not read a unit sends one failure for all its items. */
    private static Column stretched(Column outcomes, int items) {
        Job.Failed failure = outcomes.size() > 0 && outcomes.get(0) instanceof Job.Failed failed ? failed
                : new Job.Failed(new IOException("a worker sent " + outcomes.size() + " results for " + items + " items"));
        return Column.allFailed(failure, items);
    }

    /**
     * Buries the workers that died, kills those that overran, replaces what must be replaced, sends
     * what can be sent; true once the pool has terminated.
     */
    private boolean watchWorkers() {
        List<Worker> dead = new ArrayList<>();
        lock.lock();
        try {
            for (Worker worker : seats) {
                if (worker != null && !worker.process.isAlive()) {
                    dead.add(worker);
                }
            }
        } finally {
            lock.unlock();
        }
        if (!dead.isEmpty()) {
            drain();
        }
        List<Runnable> deliveries = new ArrayList<>();
        boolean done;
        lock.lock();
        try {
            for (Worker worker : dead) {
                bury(worker, deliveries);
            }
            killOverrunning();
            dispatch();
            done = checkTerminated();
        } finally {
            lock.unlock();
        }
        deliveries.forEach(Runnable::run);
        return done;
    }

    // ---- under the lock ----

    private void startWorker(int seatIndex) {
        SharedSegment taskSegment = SharedSegment.create(SharedLayout.Header.KIND_QUEUE,
                SharedLayout.Ring.size(TASK_RING_CAPACITY));
        MessageRing tasks = new MessageRing(taskSegment, SharedLayout.Header.SIZE);
        tasks.initialize(TASK_RING_CAPACITY, 0, false);
        long workerId = ++workerIds;
        WorkerSeat seat = shared.seat(seatIndex);
        seat.clear();
        Process process;
        try {
            process = settings.factory().newWorker(WorkerLoop.task(sharedDescription, seatIndex,
                    PoolSegment.describe(tasks), workerId, settings.initializer(), settings.maxTasksPerChild(),
                    timeoutNanos > 0));
            process.start();
        } catch (RuntimeException | Error e) { // no worker will read the ring: it goes now
            taskSegment.retire();
            throw e;
        }
        seats[seatIndex] = new Worker(workerId, seatIndex, seat, process, taskSegment, tasks);
    }

    /**
     * Sends pending units to the workers that have room, taking the workers in turn: first those
     * that have answered a unit, then those still starting. A unit sent to a worker whose JVM still
     * boots, or whose initializer still runs, waits for it, while a worker that answered may be
     * idle (measured in docs/DESIGN.md, "Pool").
     */
    private void dispatch() {
        if (pending.isEmpty()) {
            closeTaskRingsIfDone();
            return;
        }
        int live = 0;
        for (Worker worker : seats) {
            live += worker != null && canTake(worker) ? 1 : 0;
        }
        for (boolean answered : ANSWERED_FIRST) {
            for (int k = 0; k < seats.length && !pending.isEmpty(); k++) {
                Worker worker = seats[(nextSeat + k) % seats.length];
                while (worker != null && worker.answered == answered && canTake(worker) && !pending.isEmpty()
                        && sendBatch(worker, live)) {
                    // sent one batch; the worker may take another
                }
            }
        }
        nextSeat = (nextSeat + 1) % seats.length;
    }

    private boolean canTake(Worker worker) {
        return !worker.killed && !worker.tasksClosed && worker.batchesOut < MAX_BATCHES_OUT
                && (settings.maxTasksPerChild() == 0 || worker.unitsSent < settings.maxTasksPerChild());
    }

    /** Sends the next batch to {@code worker}; false if there was nothing to send or no room in its ring. */
    private boolean sendBatch(Worker worker, int liveWorkers) {
        int want = sizer.unitsPerBatch(pending.size(), liveWorkers);
        if (settings.maxTasksPerChild() > 0) {
            want = Math.min(want, settings.maxTasksPerChild() - worker.unitsSent);
        }
        List<Unit> batch = new ArrayList<>();
        List<Frames.Payload> payloads = new ArrayList<>();
        Set<Integer> newHeaders = new HashSet<>(); // known to the worker once this batch is in its ring
        boolean[] withHeader = new boolean[Math.min(want, pending.size())];
        int bytes = 0;
        while (batch.size() < want && !pending.isEmpty()) {
            Unit unit = pending.peekFirst();
            if (unit.job.abandoned()) {
                pending.pollFirst();
                inflight.remove(unit.id);
                continue;
            }
            int header = unit.payload.function().headerId();
            boolean sendHeader = header != 0 && !worker.knownHeaders.contains(header)
                    && !newHeaders.contains(header);
            int size = unit.payload.unitSize(sendHeader);
            if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                break;
            }
            pending.pollFirst();
            withHeader[batch.size()] = sendHeader;
            if (sendHeader) {
                newHeaders.add(header);
            }
            batch.add(unit);
            payloads.add(unit.payload);
            bytes += size;
        }
        if (batch.isEmpty()) {
            return false;
        }
        long[] ids = new long[batch.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = batch.get(i).id;
        }
        boolean sent;
        try {
            sent = worker.tasks.put(Frames.batch(ids, payloads, withHeader, bytes), Deadline.immediate());
        } catch (InterruptedException e) { // a submitting thread that was interrupted: the result thread sends it
            Thread.currentThread().interrupt();
            sent = false;
        }
        if (!sent) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                pending.addFirst(batch.get(i));
            }
            return false;
        }
        worker.knownHeaders.addAll(newHeaders);
        for (Unit unit : batch) {
            unit.worker = worker;
            worker.assigned.add(unit);
        }
        batch.getLast().lastOfBatch = true;
        worker.batchesOut++;
        worker.unitsSent += batch.size();
        return true;
    }

    /** The unit {@code worker}'s seat says it runs now, or null. */
    private static Unit runningUnit(Worker worker) {
        WorkerSeat.Running running = worker.seat.running();
        if (running != null) {
            for (Unit unit : worker.assigned) {
                if (unit.id == running.unit()) {
                    return unit;
                }
            }
        }
        return null;
    }

    /** The units sent to {@code worker} that come after the last one its seat names: it never began them. */
    private static List<Unit> notBegun(Worker worker) {
        long last = worker.seat.lastUnit();
        List<Unit> units = new ArrayList<>(worker.assigned);
        for (int i = 0; i < units.size(); i++) {
            if (units.get(i).id == last) {
                return units.subList(i + 1, units.size());
            }
        }
        return units;
    }

    /**
     * Fails the unit a dead worker was running and queues again, in order, those it had not begun;
     * starts a worker in its place if work remains.
     */
    private void bury(Worker worker, List<Runnable> deliveries) {
        if (seats[worker.seatIndex] != worker) {
            return; // buried already
        }
        seats[worker.seatIndex] = null;
        int exitCode = worker.process.exitCode().orElse(-1);
        WorkerSeat.Running running = worker.seat.running();
        for (Iterator<Unit> units = worker.assigned.descendingIterator(); units.hasNext(); ) {
            Unit unit = units.next();
            if (running != null && running.unit() == unit.id) {
                inflight.remove(unit.id);
                Column outcomes = deathOutcomes(worker, unit, running.item(), exitCode);
                deliveries.add(() -> unit.job.completed(unit, outcomes));
            } else { // not begun, or done with its result still gathered in the worker: it runs again
                unit.worker = null;
                unit.lastOfBatch = false;
                pending.addFirst(unit);
            }
        }
        worker.assigned.clear();
        worker.taskSegment.retire();
        Optional<String> startError = worker.process.startError();
        if (worker.initializerFailure != null || startError.isPresent()) {
            WorkerDiedException failure = new WorkerDiedException("pool worker " + worker.describe()
                    + " could not start: " + (worker.initializerFailure != null
                            ? "its initializer threw " + worker.initializerFailure : startError.get()), exitCode);
            failure.initCause(worker.initializerFailure);
            stop("the pool is broken: " + failure.getMessage(), failure, deliveries);
            return;
        }
        if (needsWorkers()) {
            try {
                startWorker(worker.seatIndex);
            } catch (RuntimeException e) {
                stop("the pool is broken: it could not start a worker in place of " + worker.describe() + ": " + e,
                        e, deliveries);
            }
        }
    }

    private boolean needsWorkers() {
        return state == State.RUNNING
                || (state == State.CLOSED && !inflight.isEmpty());
    }

    /** The outcomes of the unit a worker died in: item {@code item} was running, the others fail with it. */
    private Column deathOutcomes(Worker worker, Unit unit, int item, int exitCode) {
        Object[] outcomes = new Object[unit.items];
        String how = worker.overran != null ? "was killed (exit code " + exitCode + ")"
                : "died with exit code " + exitCode + (worker.dyingNote != null ? " (" + worker.dyingNote + ")" : "");
        for (int i = 0; i < outcomes.length; i++) {
            Throwable cause;
            if (i == item && worker.overran != null) {
                cause = new TimeoutException("the task ran longer than the pool's task timeout of "
                        + settings.taskTimeout() + ", so its worker " + worker.describe() + " was killed");
            } else if (i == item) {
                cause = new WorkerDiedException("pool worker " + worker.describe() + " " + how
                        + " while running this task", exitCode);
            } else {
                cause = new WorkerDiedException("pool worker " + worker.describe() + " " + how
                        + " while running item " + (unit.first + item) + " of the same chunk", exitCode);
            }
            outcomes[i] = new Job.Failed(cause);
        }
        return Column.of(outcomes);
    }

    /** Kills each worker whose current item has run longer than the task timeout. */
    private void killOverrunning() {
        if (timeoutNanos <= 0) {
            return;
        }
        long now = System.nanoTime();
        for (Worker worker : seats) {
            if (worker == null || worker.killed || worker.assigned.isEmpty()) {
                continue;
            }
            WorkerSeat.Running running = worker.seat.running();
            if (running != null && now - running.startedNanos() > timeoutNanos) {
                worker.overran = running;
                worker.killed = true;
                worker.process.kill();
            }
        }
    }

    /** After shutdown, once nothing is left to do: closes the task rings, so that the workers exit. */
    private void closeTaskRingsIfDone() {
        if (state != State.CLOSED || !inflight.isEmpty()) {
            return;
        }
        for (Worker worker : seats) {
            if (worker != null && !worker.tasksClosed) {
                worker.tasksClosed = true;
                worker.tasks.close(MessageRing.End.SENDING);
            }
        }
    }

    /**
     * Stops the pool for good: kills the workers, and adds to {@code deliveries} the failure of every
     * unfinished unit with {@code cause}, for the caller to run once it holds the lock no more.
     */
    private void stop(String reason, Throwable cause, List<Runnable> deliveries) {
        List<Unit> failed;
        List<Worker> live = new ArrayList<>();
        lock.lock();
        try {
            if (state == State.TERMINATING || state == State.TERMINATED || state == State.BROKEN) {
                return;
            }
            state = State.BROKEN;
            stopReason = reason;
            Log.warning(reason);
            failed = new ArrayList<>(inflight.values());
            inflight.clear();
            pending.clear();
            for (Worker worker : seats) {
                if (worker != null) {
                    worker.assigned.clear();
                    worker.killed = true;
                    live.add(worker);
                }
            }
        } finally {
            lock.unlock();
        }
        killAll(live);
        for (Unit unit : failed) {
            Column outcomes = Column.allFailed(new Job.Failed(cause), unit.items);
            deliveries.add(() -> unit.job.completed(unit, outcomes));
        }
    }

    /** Once the pool is shut down and every worker is gone: terminated. */
    private boolean checkTerminated() {
        if (state == State.TERMINATED) {
            return true;
        }
        if (state == State.RUNNING || (state == State.CLOSED && !inflight.isEmpty())) {
            return false;
        }
        for (Worker worker : seats) {
            if (worker != null) {
                return false;
            }
        }
        state = State.TERMINATED;
        shared.retire();
        terminated.signalAll();
        return true;
    }

    private Worker workerWithId(long id) {
        for (Worker worker : seats) {
            if (worker != null && worker.id == id) {
                return worker;
            }
        }
        return null;
    }

    private String notRunning() {
        return "Pool not running (" + stopReason + ")";
    }

    private void killAll() {
        List<Worker> live = new ArrayList<>();
        for (Worker worker : seats) {
            if (worker != null) {
                live.add(worker);
            }
        }
        killAll(live);
        awaitReaped(live);
        for (Worker worker : live) {
            worker.taskSegment.retire();
        }
    }

    private static void killAll(List<Worker> workers) {
        for (Worker worker : workers) {
            worker.process.kill();
        }
    }

    /** Waits for killed workers to be reaped, interrupt or not (the interrupt is kept). */
    private static void awaitReaped(List<Worker> workers) {
        boolean interrupted = false;
        for (Worker worker : workers) {
            while (true) {
                try {
                    worker.process.join(REAP_WAIT);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
