package org.multiprocessing4j.internal.pool;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A big-endian byte buffer that grows, for building a pool message in one piece; unlike a
 * {@code DataOutputStream} over a {@code ByteArrayOutputStream}, it takes no lock per write.
 */
final class FrameBuffer {
    private static final int INITIAL = 256;
    /**
     * Runs of numbers shorter than this are written and read one number at a time: a view buffer's
     * set-up costs a fresh process more than a few puts, and a submitted task's single result is
     * the commonest run of all.
     */
    static final int BULK_FROM = 16;

    private ByteBuffer buffer;

    FrameBuffer() {
        this(INITIAL);
    }

    FrameBuffer(int capacity) {
        buffer = ByteBuffer.allocate(Math.max(INITIAL, capacity));
    }

    FrameBuffer put(byte value) {
        room(1).put(value);
        return this;
    }

    FrameBuffer putInt(int value) {
        room(Integer.BYTES).putInt(value);
        return this;
    }

    FrameBuffer putLong(long value) {
        room(Long.BYTES).putLong(value);
        return this;
    }

    FrameBuffer put(byte[] bytes) {
        room(bytes.length).put(bytes);
        return this;
    }

    /** The numbers, each as {@link #putInt} writes it; copied in bulk from {@link #BULK_FROM} of them. */
    FrameBuffer putInts(int[] values) {
        ByteBuffer room = room(values.length * Integer.BYTES);
        if (values.length < BULK_FROM) {
            for (int value : values) {
                room.putInt(value);
            }
        } else {
            room.asIntBuffer().put(values);
            room.position(room.position() + values.length * Integer.BYTES);
        }
        return this;
    }

    /** The numbers, each as {@link #putLong} writes it; copied in bulk from {@link #BULK_FROM} of them. */
    FrameBuffer putLongs(long[] values) {
        ByteBuffer room = room(values.length * Long.BYTES);
        if (values.length < BULK_FROM) {
            for (long value : values) {
                room.putLong(value);
            }
        } else {
            room.asLongBuffer().put(values);
            room.position(room.position() + values.length * Long.BYTES);
        }
        return this;
    }

    /** What {@code other} holds so far. */
    FrameBuffer put(FrameBuffer other) {
        room(other.buffer.position()).put(other.buffer.array(), 0, other.buffer.position());
        return this;
    }

    /** The bytes, length first. */
    FrameBuffer putBytes(byte[] bytes) {
        return putInt(bytes.length).put(bytes);
    }

    /** Overwrites the int at {@code position}, written earlier as a placeholder. */
    void putInt(int position, int value) {
        buffer.putInt(position, value);
    }

    /** Overwrites the long at {@code position}, written earlier as a placeholder. */
    void putLong(int position, long value) {
        buffer.putLong(position, value);
    }

    int capacity() {
        return buffer.capacity();
    }

    int position() {
        return buffer.position();
    }

    void clear() {
        buffer.clear();
    }

    byte[] toArray() {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private ByteBuffer room(int bytes) {
        if (buffer.remaining() < bytes) {
            int capacity = Math.max(buffer.capacity() * 2, buffer.position() + bytes);
            buffer = ByteBuffer.allocate(capacity).put(buffer.flip());
        }
        return buffer;
    }
}
