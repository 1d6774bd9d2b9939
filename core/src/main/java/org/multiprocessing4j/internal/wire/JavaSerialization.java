package org.multiprocessing4j.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * Java serialization, the fallback codec that works for every {@link java.io.Serializable} type.
 * Reads always go through {@link SerialFilter}.
 */
public final class JavaSerialization {
    private JavaSerialization() {}

    /**
     * Serializes {@code value}.
     *
     * @param what names the value in the error message, e.g. {@code "Process-1"}
     * @throws IllegalArgumentException naming the class that is not serializable, or the cause
     */
    public static byte[] toBytes(Object value, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("cannot send " + what + " to another process: class "
                    + e.getMessage() + " is not Serializable", e);
        } catch (InvalidClassException e) {
            throw new IllegalArgumentException("cannot send " + what + " to another process: class "
                    + e.classname + " cannot be serialized: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot send " + what + " to another process: " + e, e);
        }
        return bytes.toByteArray();
    }

    /**
     * Deserializes bytes written by {@link #toBytes}, through {@link SerialFilter}.
     *
     * @throws IOException if the bytes are not a serialized object, a class is missing, or the
     *     filter rejects a class
     */
    public static Object fromBytes(byte[] bytes) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(SerialFilter.get());
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new InvalidClassException(e.getMessage(), "class not found in this process");
        }
    }
}
