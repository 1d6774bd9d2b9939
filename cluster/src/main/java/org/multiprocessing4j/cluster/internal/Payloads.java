package org.multiprocessing4j.cluster.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/**
 * Objects as bytes across the cluster, by Java serialization: Hazelcast only ever carries the
 * bytes, so a member that forwards a task never loads the user's classes, and the bytes that a
 * node's {@link Signature} check covers are the bytes a worker reads.
 */
public final class Payloads {
    private Payloads() {}

    /**
     * The bytes of {@code object}.
     *
     * @param object a serializable object graph
     * @return its bytes
     * @throws IOException if something in it cannot be serialized ({@link java.io.NotSerializableException}
     *     names the class)
     */
    public static byte[] write(Object object) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        return bytes.toByteArray();
    }

    /**
     * The object {@link #write} wrote.
     *
     * @param bytes its bytes
     * @return the object
     * @throws UncheckedIOException if the bytes are not an object, or a class is missing here
     */
    public static Object read(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an object from the cluster: " + e, e);
        } catch (ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException("a class that came from the cluster is missing here: "
                    + e.getMessage() + " (every node needs the application's classes on its class path)", e));
        }
    }
}
