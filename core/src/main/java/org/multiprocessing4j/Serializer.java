package org.multiprocessing4j;

import java.io.IOException;
import java.io.Serializable;

/**
 * How objects that are not of a common type (boxed primitives, String, byte[], primitive arrays)
 * become bytes on queues and pipes: plug in a faster serializer (Kryo, Fory, ...) with
 * {@link Multiprocessing#setSerializer}. The default is Java serialization behind an
 * {@code ObjectInputFilter}.
 *
 * <p>A serializer is itself {@link Serializable}: children started afterwards receive it with their
 * task, so that every process of the tree reads what the others write. Items written with a
 * serializer are marked as such; a process that has none set cannot read them, and says so.
 */
public interface Serializer extends Serializable {
    /**
     * Turns {@code object} into bytes that {@link #deserialize} turns back into an equal object, in
     * this process or another.
     *
     * @param object what to send; not of a type with a compact form of its own
     * @return its bytes
     * @throws IllegalArgumentException if the object cannot be serialized; the message should name its class
     */
    byte[] serialize(Object object);

    /**
     * Turns what {@link #serialize} wrote back into an object.
     *
     * @param bytes what {@link #serialize} returned, in some process
     * @return the object
     * @throws IOException if the bytes are not an object this serializer wrote, or a class is missing
     */
    Object deserialize(byte[] bytes) throws IOException;
}
