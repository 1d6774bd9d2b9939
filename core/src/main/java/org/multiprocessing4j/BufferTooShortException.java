package org.multiprocessing4j;

import java.io.IOException;
import java.io.Serial;

/**
 * Thrown by {@link Connection#recvBytesInto} when the message does not fit the buffer given; Python's
 * {@code BufferTooShort}. The message has been received: it is here, whole ({@link #message()}), as
 * it is in {@code e.args[0]} in Python, so nothing sent is lost.
 */
public class BufferTooShortException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The message that did not fit. */
    private final byte[] message;

    /**
     * An exception carrying the message that did not fit.
     *
     * @param message the whole message, not copied
     * @param room the bytes the buffer had from its offset on
     */
    public BufferTooShortException(byte[] message, int room) {
        super("a message of " + message.length + " bytes does not fit the " + room + " bytes of the buffer from its offset on");
        this.message = message;
    }

    /**
     * The message that did not fit, whole.
     *
     * @return the message's bytes, not copied
     */
    public byte[] message() {
        return message;
    }
}
