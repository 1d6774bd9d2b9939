package org.multiprocessing4j;

/**
 * Told how far a {@link Pool#map} or {@link Pool#imap} has come. The pool calls it on its result
 * thread, at most every {@link Pool#PROGRESS_INTERVAL} and once more when the last item is done, so
 * it may redraw a progress bar; it must not block, for the pool delivers no result meanwhile. What
 * it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * Reports progress.
     *
     * @param done items whose results (or failures) have come back
     * @param total items in all, or -1 while an {@code imap}'s input is not yet read to its end
     */
    void progress(long done, long total);
}
