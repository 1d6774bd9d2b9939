package org.multiprocessing4j.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * Compact forms of the library's own classes (its handles and a child's launch), written and read
 * without {@link java.io.ObjectInputStream}, whose first use costs a fresh JVM tens of milliseconds.
 * A process that receives only numbers, strings, arrays and handles never starts Java serialization.
 *
 * <p>By convention, as Java serialization's private {@code writeObject}: a class of this library
 * has a compact form when it declares, or inherits from a class that declares,
 * <pre>
 *   private boolean writeCompact(DataOutputStream out) throws IOException
 * </pre>
 * which writes the instance's fields and returns true, or returns false if this instance has no
 * compact form (it holds something that has none), and when the class itself declares a
 * constructor, of any access, taking a {@link DataInputStream}, which reads them back. The form is
 * the class's binary name, then what {@code writeCompact} wrote. Both members are found through a
 * private lookup once per class; the constructor is called through a method handle, which a cold
 * JVM makes faster than a reflective call. Only classes in this library's package are ever read,
 * so bytes cannot name a class to make.
 */
public final class CompactForms {
    private static final String LIBRARY_PACKAGE = "org.multiprocessing4j.";
    private static final String WRITER = "writeCompact";
    private static final MethodType READER_TYPE = MethodType.methodType(void.class, DataInputStream.class);
    private static final MethodType READER_AS_OBJECT = MethodType.methodType(Object.class, DataInputStream.class);
    private static final MethodType WRITER_AS_OBJECT =
            MethodType.methodType(boolean.class, Object.class, DataOutputStream.class);

    /** Per class: its writer as (Object, DataOutputStream)boolean, or null if it has no compact form. */
    private static final ClassValue<MethodHandle> WRITERS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return findReader(type) == null ? null : findWriter(type);
        }
    };

    /** Per class: its reader as (DataInputStream)Object, or null if it has none. */
    private static final ClassValue<MethodHandle> READERS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return findReader(type);
        }
    };

    private CompactForms() {}

    /** The compact form of {@code value}, or null if it has none. */
    public static byte[] encode(Object value) {
        MethodHandle writer = value == null ? null : WRITERS.get(value.getClass());
        if (writer == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(value.getClass().getName());
            if (!(boolean) writer.invokeExact(value, out)) {
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen writing to memory", e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("the compact form of " + value.getClass().getName() + " failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a value that {@link #encode} wrote.
     *
     * @throws InvalidClassException if the class named is not one of this library's with a compact form
     * @throws IOException if the bytes are malformed or what they describe is gone
     */
    public static Object decode(DataInputStream in, ClassLoader loader) throws IOException {
        String name = in.readUTF();
        if (!name.startsWith(LIBRARY_PACKAGE)) {
            throw new InvalidClassException(name, "a compact form names a class outside multiprocessing4j");
        }
        MethodHandle reader;
        try {
            reader = READERS.get(Class.forName(name, false, loader));
        } catch (ClassNotFoundException e) {
            throw new InvalidClassException(name, "no such class in this process");
        }
        if (reader == null) {
            throw new InvalidClassException(name, "the class has no compact form");
        }
        try {
            return (Object) reader.invokeExact(in);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            InvalidObjectException failure = new InvalidObjectException("cannot read the compact form of " + name);
            failure.initCause(e);
            throw failure;
        }
    }

    /** Reads a value that {@link #encode} wrote, with this library's class loader. */
    public static Object decode(DataInputStream in) throws IOException {
        return decode(in, CompactForms.class.getClassLoader());
    }

    private static MethodHandle findReader(Class<?> type) {
        if (!type.getName().startsWith(LIBRARY_PACKAGE)) {
            return null;
        }
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findConstructor(type, READER_TYPE)
                    .asType(READER_AS_OBJECT);
        } catch (NoSuchMethodException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("this library cannot reach its own class " + type.getName(), e);
        }
    }

    private static MethodHandle findWriter(Class<?> type) {
        for (Class<?> c = type; c != null && c.getName().startsWith(LIBRARY_PACKAGE); c = c.getSuperclass()) {
            try {
                Method writer = c.getDeclaredMethod(WRITER, DataOutputStream.class);
                if (writer.getReturnType() != boolean.class) {
                    return null;
                }
                return MethodHandles.privateLookupIn(c, MethodHandles.lookup()).unreflect(writer).asType(WRITER_AS_OBJECT);
            } catch (NoSuchMethodException e) {
                // look in the superclass
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("this library cannot reach its own class " + c.getName(), e);
            }
        }
        return null;
    }
}
