package org.multiprocessing4j.internal.launch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import org.multiprocessing4j.internal.wire.JavaSerialization;

/**
 * How a {@link ChildTask} travels in a {@link BootMessage}: a one-byte form, then
 *
 * <ul>
 *   <li>{@link #JAVA_SERIALIZATION}: the task, serialized; works for every task;
 *   <li>{@link #COMPACT}: the binary name of the task's class, then the fields the task wrote
 *       itself. The class has a constructor, of any access, taking a {@link DataInputStream}, which
 *       reads them back; it is called through a method handle, which a cold JVM makes faster than
 *       a reflective constructor.
 *       A child reads such a task without {@link java.io.ObjectInputStream}, whose first use costs a
 *       fresh JVM tens of milliseconds.
 * </ul>
 */
public final class TaskEncoding {
    public static final byte JAVA_SERIALIZATION = 0;
    public static final byte COMPACT = 1;
    private static final int FORM = 1;
    private static final MethodType READER_TYPE = MethodType.methodType(void.class, DataInputStream.class);
    private static final MethodType READER_AS_TASK = MethodType.methodType(ChildTask.class, DataInputStream.class);

    private TaskEncoding() {}

    /**
     * The task in Java serialization.
     *
     * @param what names the task in an error, e.g. {@code "Process-1"}
     * @throws IllegalArgumentException naming the class that cannot be serialized
     */
    public static byte[] javaSerialized(ChildTask task, String what) {
        return withForm(JAVA_SERIALIZATION, JavaSerialization.toBytes(task, what));
    }

    /**
     * A task of {@code type} whose fields are {@code fields}, as {@code type}'s constructor that
     * takes a {@link DataInputStream} reads them.
     */
    public static byte[] compact(Class<? extends ChildTask> type, byte[] fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(FORM + Short.BYTES + type.getName().length() + fields.length);
        bytes.write(COMPACT);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(type.getName());
            out.write(fields);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen writing to memory", e);
        }
        return bytes.toByteArray();
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
        return switch (bytes[0]) {
            case JAVA_SERIALIZATION -> (ChildTask) JavaSerialization.fromBytes(Arrays.copyOfRange(bytes, FORM, bytes.length));
            case COMPACT -> readCompact(new DataInputStream(new ByteArrayInputStream(bytes, FORM, bytes.length - FORM)));
            default -> throw new InvalidObjectException("unknown task form " + bytes[0]);
        };
    }

    private static ChildTask readCompact(DataInputStream in) throws IOException {
        String name = in.readUTF();
        MethodHandle reader;
        try {
            Class<? extends ChildTask> type =
                    Class.forName(name, true, TaskEncoding.class.getClassLoader()).asSubclass(ChildTask.class);
            reader = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findConstructor(type, READER_TYPE)
                    .asType(READER_AS_TASK);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw failure(name, e);
        }
        try {
            return (ChildTask) reader.invokeExact(in);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failure(name, e);
        }
    }

    private static InvalidObjectException failure(String name, Throwable cause) {
        InvalidObjectException failure = new InvalidObjectException("cannot read a task of class " + name);
        failure.initCause(cause);
        return failure;
    }

    private static byte[] withForm(byte form, byte[] body) {
        byte[] bytes = new byte[FORM + body.length];
        bytes[0] = form;
        System.arraycopy(body, 0, bytes, FORM, body.length);
        return bytes;
    }
}
