package org.multiprocessing4j.cluster.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
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
     * The object {@link #write} wrote, its classes resolved as Java serialization does: by the
     * loader of the latest application class on the stack. Right in a worker, where every class
     * of the application is on the class path.
     *
     * @param bytes its bytes
     * @return the object
     * @throws UncheckedIOException if the bytes are not an object, or a class is missing here
     */
    public static Object read(byte[] bytes) {
        return read(bytes, null);
    }

    /**
     * The object {@link #write} wrote, its classes resolved by {@code loader} first: a client's
     * results hold the application's classes, which may live in a loader that this module's
     * classes cannot see (a single-file program's, a host's own).
     *
     * @param bytes its bytes
     * @param loader the loader of the application's function, or null for Java serialization's own choice
     * @return the object
     * @throws UncheckedIOException if the bytes are not an object, or a class is missing here
     */
    public static Object read(byte[] bytes, ClassLoader loader) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass description) throws IOException, ClassNotFoundException {
                if (loader != null) {
                    try {
                        return Class.forName(description.getName(), false, loader);
                    } catch (ClassNotFoundException notThere) {
                        // a primitive's name, or a class of the JDK's: as Java serialization resolves them
                    }
                }
                return super.resolveClass(description);
            }
        }) {
            return in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an object from the cluster: " + e, e);
        } catch (ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException("a class that came from the cluster is missing here: "
                    + e.getMessage() + " (every node needs the application's classes on its class path)", e));
        }
    }
}
