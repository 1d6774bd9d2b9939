package org.multiprocessing4j.internal.launch;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.internal.channel.ControlProtocol;

/**
 * What a parent writes down a new child's standard input, as CPython's spawn writes its preparation
 * data and process object down the child's pipe:
 *
 * <pre>
 *  offset  size  field
 *  0       4     MAGIC ('MP4B'), catches a child started by something else
 *  4       4     n, the length of what follows
 *  8       32    the authkey, which the child inherits
 *  40      16    the child's one-time token for the control channel
 *  56      8     the parent's pid
 *  64      1     1 if the task holds a queue's, a pipe's or a pool's rings, else 0
 *  65      n-57  the task, as {@link org.multiprocessing4j.internal.wire.Codec} encodes it
 * </pre>
 * All integers are big-endian. The pipe reaches this one child and nothing else and cannot garble
 * bytes, so the message carries no checksum; a parent that dies mid-write leaves a short read, which
 * fails. The parent then closes the pipe, so the child's {@code System.in} is at its end, as Python's
 * child's {@code sys.stdin} is {@code /dev/null}.
 *
 * <p>A child whose task holds rings will wait or wake on a futex, so it starts linking that call as
 * soon as it has read the message, beside the decoding of its task ({@link ChildMain}); linking only
 * once the task's first ring is mapped leaves a fresh child's first wake some 10 ms later, on
 * two cores. A child that holds none does not link: that would slow an empty target's start-join
 * by 6-7 ms.
 */
record BootMessage(byte[] key, byte[] token, long parentPid, boolean holdsRings, byte[] task) {
    static final int MAGIC = 0x4D50_3442;
    /**
     * What a parent writes, instead of a message, to a {@link Spares spare} it dismisses; no message
     * starts with it. A spare whose input ends without it has lost its parent.
     */
    static final int DISMISS = 0;
    static final int MAGIC_OFFSET = 0;
    static final int LENGTH_OFFSET = MAGIC_OFFSET + Integer.BYTES;
    static final int KEY_OFFSET = LENGTH_OFFSET + Integer.BYTES;
    static final int TOKEN_OFFSET = KEY_OFFSET + AuthKey.LENGTH;
    static final int PARENT_PID_OFFSET = TOKEN_OFFSET + ControlProtocol.TOKEN_LENGTH;
    static final int HOLDS_RINGS_OFFSET = PARENT_PID_OFFSET + Long.BYTES;
    static final int TASK_OFFSET = HOLDS_RINGS_OFFSET + Byte.BYTES;
    /** The largest task a message can carry. */
    static final int MAX_TASK = Integer.MAX_VALUE - TASK_OFFSET;

    /** The whole message, ready to write. */
    byte[] encode() {
        if (task.length > MAX_TASK) {
            throw new IllegalArgumentException("a task of " + task.length + " bytes is larger than a child can read");
        }
        return ByteBuffer.allocate(TASK_OFFSET + task.length)
                .putInt(MAGIC_OFFSET, MAGIC)
                .putInt(LENGTH_OFFSET, TASK_OFFSET + task.length - KEY_OFFSET)
                .put(KEY_OFFSET, key)
                .put(TOKEN_OFFSET, token)
                .putLong(PARENT_PID_OFFSET, parentPid)
                .put(HOLDS_RINGS_OFFSET, holdsRings ? (byte) 1 : (byte) 0)
                .put(TASK_OFFSET, task)
                .array();
    }

    /**
     * Reads the message from {@code in}, and nothing after it.
     *
     * @throws java.io.EOFException if the pipe ends before the whole message
     * @throws StreamCorruptedException if the bytes are not a boot message
     */
    static BootMessage read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic = data.readInt();
        if (magic != MAGIC) {
            throw new StreamCorruptedException(String.format(
                    "standard input does not start with a launch message: 0x%08x, expected 0x%08x", magic, MAGIC));
        }
        int length = data.readInt();
        if (length < TASK_OFFSET - KEY_OFFSET) {
            throw new StreamCorruptedException("a launch message of " + length + " bytes is too short");
        }
        byte[] bytes = new byte[KEY_OFFSET + length];
        data.readFully(bytes, KEY_OFFSET, length);
        return new BootMessage(
                Arrays.copyOfRange(bytes, KEY_OFFSET, TOKEN_OFFSET),
                Arrays.copyOfRange(bytes, TOKEN_OFFSET, PARENT_PID_OFFSET),
                ByteBuffer.wrap(bytes).getLong(PARENT_PID_OFFSET),
                bytes[HOLDS_RINGS_OFFSET] != 0,
                Arrays.copyOfRange(bytes, TASK_OFFSET, bytes.length));
    }
}
