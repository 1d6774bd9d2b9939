package org.multiprocessing4j.internal.pool;

import java.util.concurrent.CancellationException;

/** A job whose outcome completes one future: a task's, or a whole map's. */
abstract class FutureJob<T> implements Job {
    final TaskFuture<T> future;

    FutureJob(TaskFuture<T> future) {
        this.future = future;
    }

    @Override
    public void cancelled(Unit unit) {
        future.completeExceptionally(new CancellationException("the pool was terminated"));
    }

    /** Once the future is done (cancelled, or failed by an earlier unit), its other units need not run. */
    @Override
    public boolean abandoned() {
        return future.isDone();
    }
}
