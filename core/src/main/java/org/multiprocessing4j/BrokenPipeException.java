package org.multiprocessing4j;

import java.io.IOException;
import java.io.Serial;

/**
 * Thrown by {@link Connection#send} when nobody can receive any more: the other end was closed, or
 * every process that held it has died. Python raises {@code BrokenPipeError} here. Nothing of the
 * message was sent.
 */
public class BrokenPipeException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what went wrong
     */
    public BrokenPipeException(String message) {
        super(message);
    }
}
