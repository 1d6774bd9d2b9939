package org.multiprocessing4j.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serializable lambdas without {@link java.io.ObjectInputStream}: the fields of the lambda's
 * {@link SerializedLambda}, its captured values in {@link Codec}'s compact forms, and on the way back
 * the capturing class's own {@code $deserializeLambda$}, which is what
 * {@code SerializedLambda.readResolve} calls under Java serialization. It is called through a
 * method handle, which a cold JVM makes faster than a reflective call.
 *
 * <p>It exists for start-up: the first {@code ObjectInputStream} of a JVM costs a child tens of
 * milliseconds (the JDK sets up its serial filter configuration, which looks for a logging backend
 * on the class path), while most targets are lambdas capturing numbers, strings and handles. A lambda this
 * codec cannot write whole ({@link #encode} returns null) goes through Java serialization as
 * before. Decoding passes no {@link SerialFilter}: it loads the capturing class named in the bytes
 * and calls its {@code $deserializeLambda$}, which makes only the lambdas that class defines, with
 * captured values of compact forms only. The bytes come from the library's own processes, down a
 * child's standard input or through shared memory that only the user can map.
 *
 * <p>Layout, in {@link DataOutputStream}'s encodings: the length of the header, then the header: the
 * capturing class's binary name, the functional interface class, method name and signature, the
 * implementation method's kind, class, name and signature, the instantiated method type; then the
 * number of captured values, and each as its length and its {@link Codec} bytes. The header is the
 * same for every lambda of a class, so it is written once per class, and a reader that has seen
 * it before (a pool's worker, for every task) does not read it again.
 */
public final class LambdaCodec {
    private static final String DESERIALIZE_LAMBDA = "$deserializeLambda$";
    private static final MethodType DESERIALIZE_TYPE = MethodType.methodType(Object.class, SerializedLambda.class);
    private static final String WRITE_REPLACE = "writeReplace";
    /** Each lambda class's {@code writeReplace}, made accessible; null for a class without one. */
    private static final ClassValue<Method> WRITE_REPLACES = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                Method writeReplace = type.getDeclaredMethod(WRITE_REPLACE);
                writeReplace.setAccessible(true);
                return writeReplace;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };
    /**
     * Each capturing class's {@code $deserializeLambda$}, found once: a pool's worker makes a lambda
     * of the same class for every task.
     */
    private static final ClassValue<MethodHandle> DESERIALIZERS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> capturing) {
            try {
                Module self = LambdaCodec.class.getModule();
                if (!self.canRead(capturing.getModule())) {
                    self.addReads(capturing.getModule());
                }
                return MethodHandles.privateLookupIn(capturing, MethodHandles.lookup())
                        .findStatic(capturing, DESERIALIZE_LAMBDA, DESERIALIZE_TYPE);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    private LambdaCodec() {}

    /**
     * The bytes of {@code value}, or null if it is not a serializable lambda whose captured values
     * all have a compact form ({@link Codec#encodeCompact}: numbers, strings, arrays, the library's
     * handles), or if its class's package is not open to this library.
     */
    public static byte[] encode(Object value) {
        SerializedLambda lambda = serializedForm(value);
        if (lambda == null) {
            return null;
        }
        byte[][] captured = new byte[lambda.getCapturedArgCount()][];
        int size = Integer.BYTES;
        for (int i = 0; i < captured.length; i++) {
            captured[i] = Codec.encodeCompact(lambda.getCapturedArg(i));
            if (captured[i] == null) {
                return null;
            }
            size += Integer.BYTES + captured[i].length;
        }
        byte[] header = HEADERS.get(value.getClass()).of(lambda);
        ByteBuffer out = ByteBuffer.allocate(Integer.BYTES + header.length + size)
                .putInt(header.length).put(header).putInt(captured.length);
        for (byte[] arg : captured) {
            out.putInt(arg.length).put(arg);
        }
        return out.array();
    }

    /** The header of a lambda class's encoding, the same for every lambda of the class, written once. */
    private static final class HeaderOfClass {
        private volatile byte[] header;

        byte[] of(SerializedLambda lambda) {
            byte[] known = header;
            if (known == null) {
                known = header(lambda);
                header = known;
            }
            return known;
        }
    }

    private static final ClassValue<HeaderOfClass> HEADERS = new ClassValue<>() {
        @Override
        protected HeaderOfClass computeValue(Class<?> type) {
            return new HeaderOfClass();
        }
    };

    private static byte[] header(SerializedLambda lambda) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(lambda.getCapturingClass().replace('/', '.'));
            out.writeUTF(lambda.getFunctionalInterfaceClass());
            out.writeUTF(lambda.getFunctionalInterfaceMethodName());
            out.writeUTF(lambda.getFunctionalInterfaceMethodSignature());
            out.writeInt(lambda.getImplMethodKind());
            out.writeUTF(lambda.getImplClass());
            out.writeUTF(lambda.getImplMethodName());
            out.writeUTF(lambda.getImplMethodSignature());
            out.writeUTF(lambda.getInstantiatedMethodType());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen writing to memory", e);
        }
        return bytes.toByteArray();
    }

    /** A header read and its capturing class loaded, kept for the next lambda of the same class. */
    private record Header(Class<?> capturing, String capturingName, String interfaceClass, String interfaceMethod,
            String interfaceSignature, int implKind, String implClass, String implMethod, String implSignature,
            String instantiatedType) {}

    /** The headers read lately, by their bytes and loader; a worker of a pool reads the same few for every task. */
    private static final Map<HeaderKey, Header> READ_HEADERS = new ConcurrentHashMap<>();
    private static final int MAX_READ_HEADERS = 256;

    /**
     * A header's bytes and the loader it was read with. Its hash reads only the header's last
     * {@link #HASHED_BYTES} bytes, which name the implementation method and the instantiated type, so
     * that a fresh process, still interpreting, does not hash every byte of every task's header;
     * equality compares them all.
     */
    private record HeaderKey(byte[] bytes, ClassLoader loader) {
        private static final int HASHED_BYTES = 32;

        @Override
        public boolean equals(Object o) {
            return o instanceof HeaderKey other && loader == other.loader && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            int hash = bytes.length;
            for (int i = Math.max(0, bytes.length - HASHED_BYTES); i < bytes.length; i++) {
                hash = 31 * hash + bytes[i];
            }
            return hash;
        }
    }

    /**
     * The lambda whose bytes these are, made by its capturing class, which is loaded by
     * {@code loader}.
     *
     * @throws IOException if the bytes are malformed, the class is missing, or the class refuses
     *     the lambda
     */
    public static Object decode(DataInputStream in, ClassLoader loader) throws IOException {
        int headerLength = in.readInt();
        byte[] headerBytes = in.readNBytes(Math.max(0, headerLength));
        if (headerLength < 0 || headerBytes.length != headerLength) {
            throw new StreamCorruptedException("a lambda's header names " + headerLength + " bytes, and "
                    + headerBytes.length + " follow");
        }
        HeaderKey key = new HeaderKey(headerBytes, loader);
        Header header = READ_HEADERS.get(key);
        if (header == null) {
            header = readHeader(new DataInputStream(new java.io.ByteArrayInputStream(headerBytes)), loader);
            if (READ_HEADERS.size() >= MAX_READ_HEADERS) {
                READ_HEADERS.clear();
            }
            READ_HEADERS.put(key, header);
        }
        Object[] captured = new Object[in.readInt()];
        for (int i = 0; i < captured.length; i++) {
            captured[i] = Codec.decode(in.readNBytes(in.readInt()));
        }
        SerializedLambda lambda = new SerializedLambda(header.capturing(), header.interfaceClass(),
                header.interfaceMethod(), header.interfaceSignature(), header.implKind(), header.implClass(),
                header.implMethod(), header.implSignature(), header.instantiatedType(), captured);
        MethodHandle deserialize;
        try {
            deserialize = DESERIALIZERS.get(header.capturing());
        } catch (RuntimeException e) {
            throw failure(header.capturingName(), header.implMethod(), e.getCause() != null ? e.getCause() : e);
        }
        try {
            return (Object) deserialize.invokeExact(lambda);
        } catch (Throwable e) {
            throw failure(header.capturingName(), header.implMethod(), e);
        }
    }

    private static Header readHeader(DataInputStream in, ClassLoader loader) throws IOException {
        String capturingName = in.readUTF();
        Class<?> capturing;
        try {
            capturing = Class.forName(capturingName, false, loader);
        } catch (ClassNotFoundException e) {
            throw new InvalidObjectException("the class " + capturingName + " of a lambda is not in this process");
        }
        return new Header(capturing, capturingName, in.readUTF(), in.readUTF(), in.readUTF(), in.readInt(),
                in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF());
    }

    private static InvalidObjectException failure(String capturingName, String implMethod, Throwable cause) {
        InvalidObjectException failure =
                new InvalidObjectException("cannot make the lambda " + implMethod + " of " + capturingName);
        failure.initCause(cause);
        return failure;
    }

    /**
     * As {@link #decode(DataInputStream, ClassLoader)}, with the calling thread's context class
     * loader, or the system class loader if it has none: the loader of the application's classes.
     */
    public static Object decode(DataInputStream in) throws IOException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return decode(in, loader != null ? loader : ClassLoader.getSystemClassLoader());
    }

    /** The values a serializable lambda captured; none if {@code value} is not one. */
    public static List<Object> capturedValues(Object value) {
        SerializedLambda lambda = serializedForm(value);
        List<Object> values = new ArrayList<>();
        for (int i = 0; lambda != null && i < lambda.getCapturedArgCount(); i++) {
            values.add(lambda.getCapturedArg(i));
        }
        return values;
    }

    /** The binary name of the class that defined {@code value}, if it is a serializable lambda; else null. */
    public static String capturingClassName(Object value) {
        SerializedLambda lambda = serializedForm(value);
        return lambda == null ? null : lambda.getCapturingClass().replace('/', '.');
    }

    /** The serialized form of a serializable lambda whose package this library may open; else null. */
    private static SerializedLambda serializedForm(Object value) {
        if (value == null || !value.getClass().isSynthetic()) {
            return null;
        }
        Class<?> type = value.getClass();
        if (!type.getModule().isOpen(type.getPackageName(), LambdaCodec.class.getModule())) {
            return null;
        }
        Method writeReplace = WRITE_REPLACES.get(type);
        if (writeReplace == null) {
            return null;
        }
        try {
            return writeReplace.invoke(value) instanceof SerializedLambda lambda ? lambda : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
