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
                    + e.getMessage() + " is not Serializable" + lambdaHint(value, e.getMessage()), e);
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
     * What to do about a lambda that is not Serializable, for a class named {@code className}; else
     * nothing. The cast it shows names the lambda's interface when {@code value} is the lambda.
     */
    private static String lambdaHint(Object value, String className) {
        if (className == null || !className.contains("$$Lambda")) {
            return "";
        }
        Class<?>[] interfaces = value.getClass().getName().equals(className) ? value.getClass().getInterfaces() : new Class<?>[0];
        String type = interfaces.length > 0 ? interfaces[0].getSimpleName() + "<...>" : "Function<T, R>";
        return "; a lambda is Serializable only when its type is: cast it, as in (" + type
                + " & Serializable) ..., or use a type of org.multiprocessing4j.function";
    }

    /**
     * Deserializes bytes written by {@link #toBytes}, through {@link SerialFilter}.
     *
     * @throws IOException if the bytes are not a serialized object, a class is missing, or the
     *     filter rejects a class
     */
    public static Object fromBytes(byte[] bytes) throws IOException {
        try (ObjectInputStream in = new ContextFallbackInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(SerialFilter.get());
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new InvalidClassException(e.getMessage(), "class not found in this process");
        }
    }

    /**
     * Resolves a class, or the class of a {@link java.lang.reflect.Proxy} (a manager's proxy of a
     * registered interface), as {@link ObjectInputStream} does (the loader of the nearest application
     * frame), and failing that through the thread's context loader: a single-file program's own
     * classes live in the launcher's in-memory loader, which is the context loader of its threads but
     * not the loader of any frame between its code and this library's.
     */
    private static final class ContextFallbackInputStream extends ObjectInputStream {
        ContextFallbackInputStream(java.io.InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(java.io.ObjectStreamClass description) throws IOException, ClassNotFoundException {
            try {
                return super.resolveClass(description);
            } catch (ClassNotFoundException e) {
                return Class.forName(description.getName(), false, contextLoaderOr(e));
            }
        }

        /** As {@code ObjectInputStream}'s own, which also asks for the proxy class this deprecated way. */
        @Override
        @SuppressWarnings("deprecation")
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
            try {
                return super.resolveProxyClass(interfaces);
            } catch (ClassNotFoundException e) {
                ClassLoader context = contextLoaderOr(e);
                Class<?>[] classes = new Class<?>[interfaces.length];
                for (int i = 0; i < interfaces.length; i++) {
                    classes[i] = Class.forName(interfaces[i], false, context);
                }
                try {
                    return java.lang.reflect.Proxy.getProxyClass(context, classes);
                } catch (IllegalArgumentException notDefinable) {
                    throw new ClassNotFoundException("no proxy class for " + String.join(", ", interfaces), notDefinable);
                }
            }
        }

        private static ClassLoader contextLoaderOr(ClassNotFoundException notFound) throws ClassNotFoundException {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context == null) {
                throw notFound;
            }
            return context;
        }
    }
}
