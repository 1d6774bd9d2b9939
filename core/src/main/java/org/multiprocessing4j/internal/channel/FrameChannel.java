package org.multiprocessing4j.internal.channel;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.zip.CRC32C;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/**
 * Reads and writes {@link Frame}s on a blocking byte channel.
 *
 * <p>Writes are serialized by a lock so that frames from several threads never interleave; reads
 * are meant for one reading thread at a time. Every frame read is checked (magic, type, length,
 * checksum) before its payload is handed out, so garbage on the channel surfaces as a
 * {@link CorruptFrameException} rather than as a wrong value or a huge allocation.
 */
public final class FrameChannel implements AutoCloseable {
    private final ByteChannel channel;
    private final int maxPayload;
    private final byte maxType;
    private final Object writeLock = new Object();
    private final ByteBuffer readHeader = ByteBuffer.allocate(Frame.HEADER_SIZE);

    /**
     * @param channel a blocking channel
     * @param maxType the highest type tag the protocol on this channel defines (tags start at 1)
     * @param maxPayload the largest payload accepted, in bytes
     */
    public FrameChannel(ByteChannel channel, byte maxType, int maxPayload) {
        this.channel = channel;
        this.maxType = maxType;
        this.maxPayload = maxPayload;
    }

    /** Writes one frame, whole, before any other thread can write. */
    public void write(Frame frame) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(encode(frame));
        synchronized (writeLock) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    /** The bytes of {@code frame} on the wire, header and checksum included. */
    private static byte[] encode(Frame frame) {
        byte[] payload = frame.payload();
        ByteBuffer buf = ByteBuffer.allocate(Frame.HEADER_SIZE + payload.length);
        buf.putInt(Frame.MAGIC_OFFSET, Frame.MAGIC)
                .put(Frame.TYPE_OFFSET, frame.type())
                .putInt(Frame.LENGTH_OFFSET, payload.length)
                .put(Frame.HEADER_SIZE, payload);
        buf.putInt(Frame.CHECKSUM_OFFSET, checksum(buf, payload.length));
        return buf.array();
    }

    /**
     * Blocks until a whole frame has arrived.
     *
     * @return the frame, or {@code null} if the peer closed the channel between frames
     * @throws EOFException if the peer closed the channel in the middle of a frame
     * @throws CorruptFrameException if the bytes are not a valid frame
     */
    public Frame read() throws IOException {
        readHeader.clear();
        if (!readFully(readHeader, true)) {
            return null;
        }
        int magic = readHeader.getInt(Frame.MAGIC_OFFSET);
        if (magic != Frame.MAGIC) {
            throw new CorruptFrameException(String.format(
                    "corrupt frame: magic number is 0x%08x, expected 0x%08x", magic, Frame.MAGIC));
        }
        byte type = readHeader.get(Frame.TYPE_OFFSET);
        if (type < 1 || type > maxType) {
            throw new CorruptFrameException("corrupt frame: unknown type " + type);
        }
        int length = readHeader.getInt(Frame.LENGTH_OFFSET);
        if (length < 0 || length > maxPayload) {
            throw new CorruptFrameException(
                    "corrupt frame: payload length " + length + " is outside 0.." + maxPayload);
        }
        ByteBuffer whole = ByteBuffer.allocate(Frame.HEADER_SIZE + length);
        whole.put(readHeader.flip());
        readFully(whole, false);
        int expected = whole.getInt(Frame.CHECKSUM_OFFSET);
        if (checksum(whole, length) != expected) {
            throw new CorruptFrameException("corrupt frame: checksum mismatch on a frame of type "
                    + type + " and " + length + " bytes");
        }
        byte[] payload = new byte[length];
        whole.get(Frame.HEADER_SIZE, payload);
        return new Frame(type, payload);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** CRC-32C of the header bytes before the checksum field and of the payload. */
    private static int checksum(ByteBuffer frame, int payloadLength) {
        CRC32C crc = new CRC32C();
        crc.update(frame.slice(0, Frame.CHECKSUM_OFFSET));
        crc.update(frame.slice(Frame.HEADER_SIZE, payloadLength));
        return (int) crc.getValue();
    }

    /** Returns false on EOF before the first byte when {@code eofAllowed}; else EOF throws. */
    private boolean readFully(ByteBuffer buf, boolean eofAllowed) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                if (eofAllowed && buf.position() == 0) {
                    return false;
                }
                throw new EOFException("channel closed in the middle of a frame");
            }
        }
        return true;
    }
}
