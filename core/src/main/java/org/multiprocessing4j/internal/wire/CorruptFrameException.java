package org.multiprocessing4j.internal.wire;

import java.io.IOException;

/**
 * The bytes read from a channel are not a frame that this library wrote: wrong magic number, a type
 * or length out of range, or a checksum that does not match. The channel cannot be trusted after
 * this and is closed by whoever catches it.
 */
public final class CorruptFrameException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptFrameException(String message) {
        super(message);
    }
}
