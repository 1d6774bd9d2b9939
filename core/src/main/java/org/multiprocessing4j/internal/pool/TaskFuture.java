package org.multiprocessing4j.internal.pool;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The future of a pool call: a {@link CompletableFuture} whose {@link #cancel} also stops the work
 * (drops what was not sent, and with {@code mayInterruptIfRunning} kills the worker running it),
 * and which keeps the pool that made it reachable while anyone holds it.
 */
final class TaskFuture<T> extends CompletableFuture<T> {
    private final Object pool;
    private volatile BiConsumer<TaskFuture<T>, Boolean> onCancel;

    TaskFuture(Object pool) {
        this.pool = pool;
    }

    /** What cancelling does to the work, once the units exist. */
    void onCancel(BiConsumer<TaskFuture<T>, Boolean> action) {
        onCancel = action;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        BiConsumer<TaskFuture<T>, Boolean> action = onCancel;
        if (cancelled && action != null) {
            action.accept(this, mayInterruptIfRunning);
        }
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public String toString() {
        return super.toString() + " of " + pool;
    }
}
