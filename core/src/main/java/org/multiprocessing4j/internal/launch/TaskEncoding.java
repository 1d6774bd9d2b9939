package org.multiprocessing4j.internal.launch;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.util.Arrays;
import org.multiprocessing4j.internal.wire.CompactForms;
import org.multiprocessing4j.internal.wire.JavaSerialization;

/**
 * How a {@link ChildTask} travels in a {@link BootMessage}: a one-byte form, then
 *
 * <ul>
 *   <li>{@link #COMPACT}: the task's compact form ({@link CompactForms}), which a child reads
 *       without {@link java.io.ObjectInputStream}, whose first use costs a fresh JVM tens of
 *       milliseconds;
 *   <li>{@link #JAVA_SERIALIZATION}: the task, serialized, when it has no compact form.
 * </ul>
 */
public final class TaskEncoding {
    public static final byte JAVA_SERIALIZATION = 0;
    public static final byte COMPACT = 1;
    private static final int FORM = 1;

    private TaskEncoding() {}

    /**
     * The task in its compact form if it has one, else in Java serialization.
     *
     * @param what names the task in an error, e.g. {@code "Process-1"}
     * @throws IllegalArgumentException naming the class that cannot be serialized
     */
    public static byte[] encode(ChildTask task, String what) {
        byte[] compact = CompactForms.encode(task);
        return compact != null
                ? withForm(COMPACT, compact)
                : withForm(JAVA_SERIALIZATION, JavaSerialization.toBytes(task, what));
    }

    /**
     * The task these bytes encode.
     *
     * @throws IOException if the bytes are malformed or name a class that is not a task
     */
    public static ChildTask decode(byte[] bytes) throws IOException {
        if (bytes.length < FORM) {
            throw new InvalidObjectException("an encoded task has at least its form byte");
        }
        Object task = switch (bytes[0]) {
            case JAVA_SERIALIZATION -> JavaSerialization.fromBytes(Arrays.copyOfRange(bytes, FORM, bytes.length));
            case COMPACT -> CompactForms.decode(new DataInputStream(new ByteArrayInputStream(bytes, FORM, bytes.length - FORM)));
            default -> throw new InvalidObjectException("unknown task form " + bytes[0]);
        };
        if (!(task instanceof ChildTask childTask)) {
            throw new InvalidObjectException("the task is a " + task.getClass().getName() + ", not a ChildTask");
        }
        return childTask;
    }

    private static byte[] withForm(byte form, byte[] body) {
        byte[] bytes = new byte[FORM + body.length];
        bytes[0] = form;
        System.arraycopy(body, 0, bytes, FORM, body.length);
        return bytes;
    }
}
