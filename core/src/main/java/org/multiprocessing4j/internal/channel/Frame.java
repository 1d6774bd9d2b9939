package org.multiprocessing4j.internal.channel;

/**
 * One message on a channel: a type tag and its payload.
 *
 * <p>On the wire a frame is a fixed header followed by the payload:
 *
 * <pre>
 *  offset  size  field
 *  0       4     MAGIC ('MP4J'), catches a peer that is not speaking this protocol
 *  4       1     type, one of the {@code TYPE_*} constants of the channel that uses it
 *  5       4     payload length in bytes, 0..maxPayload
 *  9       4     CRC-32C of bytes 0..8 and of the payload
 *  13      n     payload
 * </pre>
 * All integers are big-endian.
 */
public record Frame(byte type, byte[] payload) {
    public static final int MAGIC = 0x4D50_344A;
    public static final int MAGIC_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int LENGTH_OFFSET = 5;
    public static final int CHECKSUM_OFFSET = 9;
    public static final int HEADER_SIZE = 13;

    private static final byte[] EMPTY = new byte[0];

    public Frame {
        if (payload == null) {
            payload = EMPTY;
        }
    }

    /** A frame with no payload. */
    public static Frame of(byte type) {
        return new Frame(type, EMPTY);
    }
}
