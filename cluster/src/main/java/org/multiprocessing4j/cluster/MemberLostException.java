package org.multiprocessing4j.cluster;

import java.io.Serial;

/**
 * The member running a task left the cluster (it died, or its network did) before the task's
 * result came back, and the task was {@linkplain ClusterPool#atMostOnce() not to be run again}: it
 * may or may not have run, in part or in full.
 */
public class MemberLostException extends ClusterException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the member that was lost.
     *
     * @param message which member, and what it was running
     * @param cause what Hazelcast reported, or null
     */
    public MemberLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
