package org.multiprocessing4j.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.cluster.internal.ChunkOutcome;
import org.multiprocessing4j.cluster.internal.Dispatcher;

/**
 * The life of a {@link ClusterPool} and its views: the client connection, the chunks sent and not
 * yet done, and the end. After {@link #shutdown()} the pool sends nothing new, and once the last
 * chunk is done the client disconnects; {@link #terminate()} cancels what is unfinished (the nodes
 * kill the workers running it) and disconnects at once. Guarded by this object's monitor.
 */
final class PoolConnection {
    private final HazelcastInstance client;
    private final Dispatcher dispatcher;
    /** The unfinished chunks, each with its task if it was submitted on its own (for shutdownNow). */
    private final Map<CompletableFuture<ChunkOutcome>, Object> unfinished = new IdentityHashMap<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private boolean shutdown;
    private boolean ended;

    PoolConnection(HazelcastInstance client, Dispatcher dispatcher) {
        this.client = client;
        this.dispatcher = dispatcher;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    synchronized void checkRunning() {
        if (shutdown) {
            throw new RejectedExecutionException("this cluster pool was shut down");
        }
    }

    /**
     * Sends a chunk.
     *
     * @param loader loads the classes of the chunk's outcome
     * @param task the task if the chunk is one submitted on its own, else null
     * @throws RejectedExecutionException if the pool was shut down
     */
    CompletableFuture<ChunkOutcome> send(byte[] chunk, int items, boolean retry, ClassLoader loader, Object task) {
        CompletableFuture<ChunkOutcome> future;
        synchronized (this) {
            checkRunning();
            future = dispatcher.submit(chunk, items, retry, loader);
            unfinished.put(future, task == null ? this : task);
        }
        future.whenComplete((outcome, failure) -> done(future));
        return future;
    }

    private void done(CompletableFuture<ChunkOutcome> future) {
        synchronized (this) {
            unfinished.remove(future);
            if (!shutdown || !unfinished.isEmpty() || ended) {
                return;
            }
            ended = true;
        }
        // Not on the thread that completed the chunk, which may be the client's own.
        Thread.ofPlatform().daemon().name("multiprocessing4j-cluster-pool-end").start(this::end);
    }

    void shutdown() {
        synchronized (this) {
            shutdown = true;
            if (!unfinished.isEmpty() || ended) {
                return;
            }
            ended = true;
        }
        end();
    }

    /** Cancels every unfinished chunk and disconnects; returns the tasks submitted on their own that no node had begun. */
    List<Object> terminate() {
        List<CompletableFuture<ChunkOutcome>> cancelling;
        List<Object> notBegun = new ArrayList<>();
        boolean ending;
        synchronized (this) {
            shutdown = true;
            for (CompletableFuture<ChunkOutcome> withdrawn : dispatcher.withdrawPending()) {
                Object task = unfinished.get(withdrawn);
                if (task != null && task != this) {
                    notBegun.add(task);
                }
            }
            cancelling = new ArrayList<>(unfinished.keySet());
            ending = !ended;
            ended = true;
        }
        cancelling.forEach(future -> future.cancel(true));
        if (ending) {
            end();
        } else {
            awaitEnd();
        }
        return notBegun;
    }

    private void end() {
        dispatcher.close(new ClusterException("this cluster pool was terminated", null));
        client.shutdown();
        terminated.countDown();
    }

    private void awaitEnd() {
        boolean interrupted = false;
        while (terminated.getCount() > 0) {
            try {
                terminated.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized boolean isShutdown() {
        return shutdown;
    }

    boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, Objects.requireNonNull(unit, "unit"));
    }

    @Override
    public synchronized String toString() {
        return (ended ? "terminated" : shutdown ? "shutting down" : "running") + ", " + unfinished.size()
                + " chunks unfinished, " + dispatcher.workers() + " workers in the cluster";
    }
}
