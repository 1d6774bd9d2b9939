package org.multiprocessing4j;

import java.io.Serial;

/**
 * A call on a manager's proxy could not be made: the manager's server is gone (it ended, was
 * killed, or cannot be reached), or the connection to it broke. Thrown within a bounded time, never
 * after an endless wait; what the method itself throws on the server reaches the caller as itself.
 */
public class ManagerException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what happened to the manager's server or connection.
     *
     * @param message what happened
     * @param cause what the connection reported
     */
    public ManagerException(String message, Throwable cause) {
        super(message, cause);
    }
}
