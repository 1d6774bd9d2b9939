package org.multiprocessing4j;

import java.io.IOException;

/**
 * The peer of a connection did not prove that it holds the same authkey
 * ({@code multiprocessing.AuthenticationError}). Raised on the side that checked the digest
 * ({@code "digest received was wrong"}) and on the side whose digest was refused
 * ({@code "digest sent was rejected"}). The connection is closed.
 */
public class AuthenticationException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what went wrong
     */
    public AuthenticationException(String message) {
        super(message);
    }
}
