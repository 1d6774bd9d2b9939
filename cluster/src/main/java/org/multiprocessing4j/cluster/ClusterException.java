package org.multiprocessing4j.cluster;

import java.io.Serial;

/**
 * The cluster cannot be reached, or refused: no member answered within the connect timeout, the
 * connection was lost for longer, no node runs tasks, or a member refused a task. Calls fail with
 * it within a bounded time rather than hang.
 */
public class ClusterException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what is wrong with the cluster.
     *
     * @param message what failed, and what to check
     * @param cause what Hazelcast reported, or null
     */
    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
