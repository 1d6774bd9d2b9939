package org.multiprocessing4j.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.spi.exception.RetryableException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.multiprocessing4j.cluster.ClusterException;
import org.multiprocessing4j.cluster.MemberLostException;

/**
 * Sends a client's chunks to the cluster's nodes and brings their outcomes back, each exactly once.
 *
 * <p>Invariants, all guarded by {@link #lock}: a job is pending, or running on exactly one seat (a
 * node that runs tasks), or done; a seat runs at most {@value #CHUNKS_IN_FLIGHT_PER_WORKER} chunks
 * per worker of its node, or {@value #SINGLE_TASKS_IN_FLIGHT_PER_WORKER} if they are single tasks,
 * so a node is never idle while work is pending and no node holds much that another could run
 * (back-pressure: the rest waits here, not on the network); a job's future
 * completes once, by the first outcome to arrive for it, so a chunk that ran twice (its first
 * member was wrongly thought dead) still gives one result.
 *
 * <p>Faults: when a member leaves (Hazelcast reports it within a second or so of a crash), the
 * chunks it was running go back to the head of the queue and run elsewhere: execution is
 * at-least-once. Hazelcast fails a dead member's invocations before it reports the member gone, so
 * a node that lost a chunk is sent nothing for {@value #SUSPICION_MILLIS} ms, lest the retry go
 * back to it. A job marked not to be retried fails with {@link MemberLostException} instead. If
 * no node runs tasks for the connect timeout, or the client loses the cluster for that long, every
 * unfinished job fails with {@link ClusterException}.
 */
public final class Dispatcher {
    /** Chunks a node holds per worker: one running, one ready to start when it ends. */
    static final int CHUNKS_IN_FLIGHT_PER_WORKER = 2;
    /**
     * Tasks submitted on their own (chunks of one item) a node may hold per worker: a round trip
     * through Hazelcast and back costs milliseconds, so small tasks need many in flight to keep a
     * worker busy; the node's pool batches them to its workers.
     */
    public static final int SINGLE_TASKS_IN_FLIGHT_PER_WORKER = 16;
    /** How often a chunk may be lost with its member before it fails. */
    private static final int MAX_ATTEMPTS = 5;
    /**
     * How long a node that lost a chunk is sent nothing: Hazelcast fails the invocations of a dead
     * member before it reports the member gone, and a retry must not go back to it meanwhile.
     */
    private static final long SUSPICION_MILLIS = 2_000;

    private final HazelcastInstance hazelcast;
    private final IExecutorService executor;
    private final Signature signature;
    private final String clusterName;
    private final String workersAttribute;
    private final long patienceMillis;
    private final ScheduledExecutorService timer;
    /**
     * Where outcomes are read and futures completed: Hazelcast runs a future's callbacks on the
     * common pool, which on a machine of two cores or fewer is a new thread per callback.
     */
    private final ExecutorService results;
    private final Object lock = new Object();
    private final ArrayDeque<Job> pending = new ArrayDeque<>();
    private final Map<UUID, Seat> seats = new LinkedHashMap<>();
    private ClusterException broken;
    private boolean connected = true;
    private long watch; // counts the checks armed, so that only the latest one acts

    /**
     * A dispatcher for the client {@code hazelcast}.
     *
     * @param hazelcast the client or member that sends chunks
     * @param signature signs them
     * @param clusterName the cluster's name, for messages
     * @param workersAttribute the member attribute that gives a node's workers
     * @param patienceMillis how long to wait for a node, or for the cluster, before failing
     */
    public Dispatcher(HazelcastInstance hazelcast, Signature signature, String clusterName, String workersAttribute,
            long patienceMillis) {
        this.hazelcast = hazelcast;
        this.executor = hazelcast.getExecutorService(TaskRunner.EXECUTOR);
        this.signature = signature;
        this.clusterName = clusterName;
        this.workersAttribute = workersAttribute;
        this.patienceMillis = patienceMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("multiprocessing4j-cluster-watch"));
        this.results = Executors.newSingleThreadExecutor(daemon("multiprocessing4j-cluster-results"));
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                seat(event.getMember());
                dispatch();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                lost(event.getMember());
            }
        });
        hazelcast.getLifecycleService().addLifecycleListener(this::lifecycle);
        for (Member member : hazelcast.getCluster().getMembers()) {
            seat(member);
        }
    }

    /**
     * Runs a chunk on some node.
     *
     * @param chunk the {@link Chunk}'s bytes
     * @param items how many items it has
     * @param retry whether it runs again elsewhere if its member is lost
     * @param loader loads the classes of its outcome ({@link ItemFunction#loader()})
     * @return its outcome; cancelling it cancels the chunk, and kills the worker running it
     */
    public CompletableFuture<ChunkOutcome> submit(byte[] chunk, int items, boolean retry, ClassLoader loader) {
        Job job = new Job(new TaskRunner.Task(chunk, signature.mac(chunk), items), retry, loader);
        synchronized (lock) {
            if (broken != null) {
                job.future.completeExceptionally(broken);
                return job.future;
            }
            pending.add(job);
        }
        job.future.whenComplete((outcome, failure) -> {
            if (job.future.isCancelled()) {
                cancel(job);
            }
        });
        dispatch();
        return job.future;
    }

    /**
     * The workers of the nodes now in the cluster.
     *
     * @return their sum, 0 if no node runs tasks
     */
    public int workers() {
        synchronized (lock) {
            return seats.values().stream().mapToInt(seat -> seat.workers).sum();
        }
    }

    /**
     * Takes back the jobs that no node has begun; their futures stay as they are.
     *
     * @return their futures, in the order they were submitted
     */
    public List<CompletableFuture<ChunkOutcome>> withdrawPending() {
        synchronized (lock) {
            List<CompletableFuture<ChunkOutcome>> withdrawn = pending.stream().map(job -> job.future).toList();
            pending.clear();
            return withdrawn;
        }
    }

    /**
     * Fails every unfinished job with {@code cause} and takes no more; for a pool that ends.
     *
     * @param cause what the unfinished jobs fail with
     */
    public void close(ClusterException cause) {
        breakDown(cause);
        timer.shutdownNow();
        results.shutdown();
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private void seat(Member member) {
        String workers = member.getAttribute(workersAttribute);
        if (workers == null) {
            return; // a member that runs no tasks
        }
        synchronized (lock) {
            seats.putIfAbsent(member.getUuid(), new Seat(member, Integer.parseInt(workers)));
        }
    }

    private void dispatch() {
        List<Job> sending = new ArrayList<>();
        synchronized (lock) {
            while (!pending.isEmpty() && broken == null) {
                long now = System.nanoTime();
                Seat seat = seats.values().stream().filter(candidate -> !candidate.suspected(now))
                        .min(Comparator.comparingDouble(Seat::load)).orElse(null);
                if (seat == null || !seat.takes(pending.peek())) {
                    break;
                }
                Job job = pending.poll();
                job.seat = seat;
                job.attempts++;
                seat.running.add(job);
                sending.add(job);
            }
            if (!pending.isEmpty() && seats.isEmpty()) {
                watch(() -> seats.isEmpty() && !pending.isEmpty(), () -> new ClusterException("no node of cluster '"
                        + clusterName + "' has run tasks for " + patienceMillis + " ms: start one with ClusterNode",
                        null));
            }
        }
        for (Job job : sending) {
            send(job, job.seat);
        }
    }

    private void send(Job job, Seat seat) {
        try {
            Future<byte[]> remote = executor.submitToMember(job.task, seat.member);
            synchronized (lock) {
                job.remote = remote;
            }
            if (job.future.isCancelled()) {
                remote.cancel(true);
            }
            // Hazelcast's futures are CompletionStages, though submitToMember declares a Future.
            ((CompletionStage<?>) remote).whenCompleteAsync(
                    (bytes, failure) -> arrived(job, seat, (byte[]) bytes, failure), results);
        } catch (RuntimeException e) {
            arrived(job, seat, null, e);
        }
    }

    /**
     * An attempt of {@code job} on {@code seat} ended. A loss of the member requeues the job if
     * this attempt is its current one; a result or a failure of the task completes it, whichever
     * attempt brings it, and stops any other attempt.
     */
    private void arrived(Job job, Seat seat, byte[] bytes, Throwable failure) {
        boolean lost = failure != null && memberLost(failure);
        Future<byte[]> otherAttempt = null;
        boolean requeued = false;
        synchronized (lock) {
            seat.running.remove(job);
            boolean current = job.seat == seat;
            if (current) {
                job.seat = null;
                job.remote = null;
            }
            if (lost) {
                if (!current || job.future.isDone()) {
                    return; // an earlier attempt: the job runs elsewhere, or is done
                }
                if (job.retry && job.attempts < MAX_ATTEMPTS && broken == null) {
                    pending.addFirst(job);
                    requeued = true;
                }
                seat.suspectedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SUSPICION_MILLIS);
                later(this::dispatch, SUSPICION_MILLIS); // the seat may be back then
            } else if (!current) {
                pending.remove(job);
                otherAttempt = job.remote;
            }
        }
        if (otherAttempt != null) {
            otherAttempt.cancel(true);
        }
        if (lost && !requeued) {
            job.future.completeExceptionally(new MemberLostException("member " + seat.member.getAddress()
                    + " of cluster '" + clusterName + "' was lost while it ran a chunk of " + job.task.items()
                    + " items" + (job.retry ? ", " + job.attempts + " times over" : ", which is not to be run again"),
                    failure));
        } else if (!lost) {
            complete(job, seat, bytes, failure);
        }
        dispatch();
    }

    private void complete(Job job, Seat seat, byte[] bytes, Throwable failure) {
        if (failure == null) {
            try {
                job.future.complete((ChunkOutcome) Payloads.read(bytes, job.loader));
            } catch (RuntimeException e) {
                job.future.completeExceptionally(e);
            }
        } else if (failure instanceof SecurityException || failure.getCause() instanceof SecurityException) {
            job.future.completeExceptionally(new ClusterException("member " + seat.member.getAddress()
                    + " refused a task (do this client and the nodes share one secret?): " + failure, failure));
        } else {
            job.future.completeExceptionally(new ClusterException("cluster '" + clusterName
                    + "' could not run a chunk: " + failure, failure));
        }
    }

    private void lost(Member member) {
        List<Job> orphans;
        Seat seat;
        synchronized (lock) {
            seat = seats.remove(member.getUuid());
            if (seat == null) {
                return;
            }
            orphans = new ArrayList<>(seat.running);
        }
        // Hazelcast fails a lost member's invocations too; whichever report comes first requeues.
        for (Job job : orphans) {
            arrived(job, seat, null, new TargetDisconnectedException("member " + member.getAddress() + " left the cluster"));
        }
        dispatch();
    }

    private void cancel(Job job) {
        Future<byte[]> remote;
        synchronized (lock) {
            pending.remove(job);
            remote = job.remote;
        }
        if (remote != null) {
            remote.cancel(true);
        }
    }

    private void lifecycle(LifecycleEvent event) {
        switch (event.getState()) {
            case CLIENT_CONNECTED -> {
                synchronized (lock) {
                    connected = true;
                }
            }
            case CLIENT_DISCONNECTED -> {
                synchronized (lock) {
                    connected = false;
                    watch(() -> !connected, () -> new ClusterException("lost cluster '" + clusterName + "' for "
                            + patienceMillis + " ms", null));
                }
            }
            case SHUTTING_DOWN, SHUTDOWN -> breakDown(new ClusterException("the connection to cluster '" + clusterName
                    + "' was shut down", null));
            default -> { }
        }
    }

    private void later(Runnable action, long millis) {
        try {
            timer.schedule(action, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // the dispatcher is closed: nothing is left to do
        }
    }

    /** Fails everything with {@code failure} if {@code stillWrong} holds {@link #patienceMillis} from now. */
    private void watch(BooleanSupplier stillWrong, Supplier<ClusterException> failure) {
        long mine = ++watch;
        later(() -> {
            synchronized (lock) {
                if (watch != mine || broken != null || !stillWrong.getAsBoolean()) {
                    return;
                }
            }
            breakDown(failure.get());
        }, patienceMillis);
    }

    private void breakDown(ClusterException cause) {
        List<Job> failing = new ArrayList<>();
        synchronized (lock) {
            if (broken == null) {
                broken = cause;
            }
            failing.addAll(pending);
            pending.clear();
            for (Seat seat : seats.values()) {
                failing.addAll(seat.running);
                seat.running.clear();
            }
        }
        for (Job job : failing) {
            job.future.completeExceptionally(cause);
        }
    }

    private static boolean memberLost(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetryableException || cause instanceof TargetDisconnectedException
                    || cause instanceof HazelcastInstanceNotActiveException
                    || cause instanceof RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }

    /** A chunk and where it is. */
    private static final class Job {
        final TaskRunner.Task task;
        final boolean retry;
        final ClassLoader loader;
        final CompletableFuture<ChunkOutcome> future = new CompletableFuture<>();
        Seat seat;
        Future<byte[]> remote;
        int attempts;

        Job(TaskRunner.Task task, boolean retry, ClassLoader loader) {
            this.task = task;
            this.retry = retry;
            this.loader = loader;
        }
    }

    /** A node that runs tasks, and the chunks it runs. */
    private static final class Seat {
        final Member member;
        final int workers;
        final Set<Job> running = new LinkedHashSet<>();
        /** Until when (System.nanoTime) this node is thought lost: it lost a chunk, and may be gone. */
        long suspectedUntil = System.nanoTime();

        Seat(Member member, int workers) {
            this.member = member;
            this.workers = workers;
        }

        boolean suspected(long now) {
            return now - suspectedUntil < 0;
        }

        double load() {
            return (double) running.size() / Math.max(1, workers);
        }

        boolean takes(Job job) {
            int perWorker = job.task.items() == 1 ? SINGLE_TASKS_IN_FLIGHT_PER_WORKER : CHUNKS_IN_FLIGHT_PER_WORKER;
            return running.size() < perWorker * workers;
        }
    }
}
