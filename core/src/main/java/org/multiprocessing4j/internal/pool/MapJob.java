package org.multiprocessing4j.internal.pool;

import java.util.List;
import org.multiprocessing4j.ProcessPoolException;

/**
 * A map's results, filled in as chunks come back. As in CPython, the list is complete only when
 * every chunk is: a failure does not cut the map short, and the first failure to arrive is the one
 * reported, as a {@link ProcessPoolException} naming the item.
 */
final class MapJob<R> extends FutureJob<List<R>> {
    private final Column[] chunks;
    private final int chunksize;
    private final int items;
    private final Progress progress;
    private int remaining;
    private Throwable failure;
    private long failedIndex = -1;

    MapJob(int items, int chunksize, TaskFuture<List<R>> future, Progress progress) {
        super(future);
        this.items = items;
        this.chunksize = chunksize;
        this.chunks = new Column[(items + chunksize - 1) / chunksize];
        this.remaining = items;
        this.progress = progress;
    }

    @Override
    public void completed(Unit unit, Column outcomes) {
        int n = outcomes.size();
        synchronized (this) {
            for (int i = 0; i < n && failure == null; i++) {
                if (outcomes.get(i) instanceof Failed failed) {
                    failure = failed.cause();
                    failedIndex = unit.first + i;
                }
            }
            chunks[(int) (unit.first / chunksize)] = outcomes;
            remaining -= n;
        }
        progress.advance(n);
        finishIfDone();
    }

    private void finishIfDone() {
        Throwable failed;
        long index;
        synchronized (this) {
            if (remaining > 0) {
                return;
            }
            failed = failure;
            index = failedIndex;
        }
        if (failed != null) {
            future.completeExceptionally(new ProcessPoolException("item " + index + " failed: " + failed, index, failed));
        } else {
            future.complete(new ResultList<>(chunks, chunksize, items));
        }
    }
}
