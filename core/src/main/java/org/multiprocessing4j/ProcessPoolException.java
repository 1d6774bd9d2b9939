package org.multiprocessing4j;

import java.io.Serial;

/**
 * A pool call that waits for results failed: {@link Pool#map}, {@link Pool#starmap}, {@link Pool#apply},
 * or an item of {@link Pool#imap}. The cause is what the task threw, with its class, message and its
 * stack trace in the worker; or {@link WorkerDiedException} if its worker died, a
 * {@link java.util.concurrent.TimeoutException} if it ran longer than the pool's task timeout,
 * {@link MaybeEncodingException} if its result could not be sent back, or
 * {@link InterruptedException} if the waiting thread was interrupted (its interrupt status is kept).
 */
public class ProcessPoolException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The index of the failing item, or -1 for a single task. */
    private final long itemIndex;

    /**
     * An exception for the item at {@code itemIndex}.
     *
     * @param message what failed
     * @param itemIndex the index of the failing item in the input; -1 for a single task
     * @param cause what the task threw, or why it has no result
     */
    public ProcessPoolException(String message, long itemIndex, Throwable cause) {
        super(message, cause);
        this.itemIndex = itemIndex;
    }

    /**
     * Which item failed: its index in the input of {@code map}, {@code starmap} or {@code imap},
     * counted from 0; the first to fail, for {@code map}.
     *
     * @return the index, or -1 for {@link Pool#apply}
     */
    public long itemIndex() {
        return itemIndex;
    }
}
