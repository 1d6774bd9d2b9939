package org.multiprocessing4j.internal.pool;

import java.util.function.Function;

/** One submitted task, whose outcome completes a future. */
final class CallJob<T> extends FutureJob<T> {
    /** What was submitted, for {@code shutdownNow}'s list of tasks never begun. */
    final Object task;
    private final Function<Object, T> adapt;

    CallJob(TaskFuture<T> future, Object task, Function<Object, T> adapt) {
        super(future);
        this.task = task;
        this.adapt = adapt;
    }

    @Override
    public void completed(Unit unit, Column outcomes) {
        Object outcome = outcomes.get(0);
        if (outcome instanceof Failed failed) {
            future.completeExceptionally(failed.cause());
        } else {
            future.complete(adapt.apply(outcome));
        }
    }
}
