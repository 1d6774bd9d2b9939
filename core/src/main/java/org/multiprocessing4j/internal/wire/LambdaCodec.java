package org.multiprocessing4j.internal.wire;

import java.io.ByteArrayInputStream;
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
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
 * length of the captured values, then their number, and each as its length and its {@link Codec}
 * bytes. The header is the same for every lambda of a class, so it is made once per class, and a
 * reader that has seen it before does not read it again. A stream that carries many lambdas, such
 * as a pool's to one worker, can send the two parts on their own ({@link #split}) and each header
 * only once, by its number ({@link ClassHeader#id}).
 */
public final class LambdaCodec {
    private static final String DESERIALIZE_LAMBDA = "$deserializeLambda$";
    private static final MethodType DESERIALIZE_TYPE = MethodType.methodType(Object.class, SerializedLambda.class);
    private static final String WRITE_REPLACE = "writeReplace";
    private static final MethodType WRITE_REPLACE_TYPE = MethodType.methodType(Object.class, Object.class);
    /** Each class's {@link LambdaClass}; null for a class that is not a serializable lambda open to this library. */
    private static final ClassValue<LambdaClass> LAMBDA_CLASSES = new ClassValue<>() {
        @Override
        protected LambdaClass computeValue(Class<?> type) {
            return LambdaClass.of(type);
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
                return privateLookupIn(capturing).findStatic(capturing, DESERIALIZE_LAMBDA, DESERIALIZE_TYPE);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    private LambdaCodec() {}

    /** A lookup with private access in {@code capturing}, whose module this library's is made to read. */
    static MethodHandles.Lookup privateLookupIn(Class<?> capturing) throws IllegalAccessException {
        Module self = LambdaCodec.class.getModule();
        if (!self.canRead(capturing.getModule())) {
            self.addReads(capturing.getModule());
        }
        return MethodHandles.privateLookupIn(capturing, MethodHandles.lookup());
    }

    /** A lambda class's header: its bytes, and a number that no other lambda class's header has in this process. */
    public record ClassHeader(int id, byte[] bytes) {}

    /**
     * A serializable lambda in its two parts: its class's header, the same for every lambda of the
     * class, and its captured values (their count, then each as its length and its {@link Codec} bytes).
     */
    public record Parts(ClassHeader header, byte[] captured) {}

    /**
     * The bytes of {@code value}, or null if it is not a serializable lambda whose captured values
     * all have a compact form ({@link Codec#encodeCompact}: numbers, strings, arrays, the library's
     * handles), or if its class's package is not open to this library.
     */
    public static byte[] encode(Object value) {
        Parts parts = split(value);
        if (parts == null) {
            return null;
        }
        byte[] header = parts.header().bytes();
        return ByteBuffer.allocate(2 * Integer.BYTES + header.length + parts.captured().length)
                .putInt(header.length).put(header).putInt(parts.captured().length).put(parts.captured()).array();
    }

    /** {@code value} in its two parts, or null where {@link #encode} returns null. */
    public static Parts split(Object value) {
        LambdaClass type = lambdaClass(value);
        SerializedLambda lambda = type == null ? null : type.serializedForm(value);
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
        ByteBuffer out = ByteBuffer.allocate(size).putInt(captured.length);
        for (byte[] arg : captured) {
            out.putInt(arg.length).put(arg);
        }
        return new Parts(type.header(lambda), out.array());
    }

    /**
     * True if {@code value} is a serializable lambda whose captured values are all
     * {@link Codec#isPlain plain}: numbers, strings and the like, in which no handle and no object
     * of the application's can be. (A lambda that captures {@code this}, a collection or a handle is
     * not.)
     */
    public static boolean capturesOnlyPlainValues(Object value) {
        LambdaClass type = lambdaClass(value);
        SerializedLambda lambda = type == null ? null : type.serializedForm(value);
        if (lambda == null) {
            return false;
        }
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
            if (!Codec.isPlain(lambda.getCapturedArg(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The header of {@code value}'s class ({@link Parts#header}), or null where {@link #encode}
     * returns null whatever the values captured.
     */
    public static ClassHeader headerOf(Object value) {
        LambdaClass type = lambdaClass(value);
        SerializedLambda lambda = type == null ? null : type.serializedForm(value);
        return lambda == null ? null : type.header(lambda);
    }

    /**
     * What writing a lambda of one class takes, found once per class: its {@code writeReplace}, as a
     * method handle, which a fresh JVM calls with fewer steps than a reflective call, and its header,
     * the same for every lambda of the class, made from the first one written.
     */
    private static final class LambdaClass {
        private static final AtomicInteger HEADER_IDS = new AtomicInteger();

        private final MethodHandle writeReplace;
        private volatile ClassHeader header;

        private LambdaClass(MethodHandle writeReplace) {
            this.writeReplace = writeReplace;
        }

        /** {@code type} as a lambda class; null unless a serializable lambda of a package open to this library. */
        static LambdaClass of(Class<?> type) {
            if (!type.isSynthetic() || !type.getModule().isOpen(type.getPackageName(), LambdaCodec.class.getModule())) {
                return null;
            }
            try {
                Method writeReplace = type.getDeclaredMethod(WRITE_REPLACE);
                writeReplace.setAccessible(true);
                return new LambdaClass(MethodHandles.lookup().unreflect(writeReplace).asType(WRITE_REPLACE_TYPE));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        SerializedLambda serializedForm(Object value) {
            try {
                return (Object) writeReplace.invokeExact(value) instanceof SerializedLambda lambda ? lambda : null;
            } catch (Error e) {
                throw e;
            } catch (Throwable e) { // a writeReplace of the class's own that fails: not a lambda this codec writes
                return null;
            }
        }

        ClassHeader header(SerializedLambda lambda) {
            ClassHeader known = header;
            if (known == null) {
                known = new ClassHeader(HEADER_IDS.incrementAndGet(), LambdaCodec.header(lambda));
                header = known;
            }
            return known;
        }
    }

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

    /**
     * A header read and its capturing class loaded, what {@link #make} makes lambdas of. Its names
     * are interned, so that the capturing class's {@code $deserializeLambda$}, which compares them
     * with its string constants, finds each the same object as its constant and compares no characters.
     */
    public record Header(Class<?> capturing, String capturingName, String interfaceClass, String interfaceMethod,
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
     * The lambda whose bytes ({@link #encode}) these are, made by its capturing class, which is
     * loaded by {@code loader}.
     *
     * @throws IOException if the bytes are malformed, the class is missing, or the class refuses
     *     the lambda
     */
    public static Object decode(DataInputStream in, ClassLoader loader) throws IOException {
        Header header = readAndRemember(lengthPrefixed(in, "header"), loader);
        return make(header, ByteBuffer.wrap(lengthPrefixed(in, "captured values")));
    }

    /** {@link #readHeader}, once per header and loader among the last {@value #MAX_READ_HEADERS} read. */
    static Header readAndRemember(byte[] headerBytes, ClassLoader loader) throws IOException {
        HeaderKey key = new HeaderKey(headerBytes, loader);
        Header header = READ_HEADERS.get(key);
        if (header == null) {
            header = readHeader(headerBytes, loader);
            if (READ_HEADERS.size() >= MAX_READ_HEADERS) {
                READ_HEADERS.clear();
            }
            READ_HEADERS.put(key, header);
        }
        return header;
    }

    private static byte[] lengthPrefixed(DataInputStream in, String what) throws IOException {
        int length = in.readInt();
        byte[] bytes = in.readNBytes(Math.max(0, length));
        if (length < 0 || bytes.length != length) {
            throw new StreamCorruptedException("a lambda's " + what + " names " + length + " bytes, and "
                    + bytes.length + " follow");
        }
        return bytes;
    }

    /**
     * The header whose bytes ({@link ClassHeader#bytes}) these are, its capturing class loaded by {@code loader}.
     *
     * @throws IOException if the bytes are malformed or the class is missing
     */
    public static Header readHeader(byte[] bytes, ClassLoader loader) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        String capturingName = in.readUTF();
        Class<?> capturing;
        try {
            capturing = Class.forName(capturingName, false, loader);
        } catch (ClassNotFoundException e) {
            throw new InvalidObjectException("the class " + capturingName + " of a lambda is not in this process");
        }
        return new Header(capturing, capturingName, in.readUTF().intern(), in.readUTF().intern(),
                in.readUTF().intern(), in.readInt(), in.readUTF().intern(), in.readUTF().intern(),
                in.readUTF().intern(), in.readUTF().intern());
    }

    /**
     * A lambda of {@code header}'s class with the captured values ({@link Parts#captured}) that
     * {@code captured} holds from its position on, made by its capturing class, or by the factory a
     * spare prepared for it ({@link PreparedLambdas}).
     *
     * @throws IOException if the values are malformed, or the class refuses the lambda
     */
    public static Object make(Header header, ByteBuffer captured) throws IOException {
        Object[] values;
        try {
            values = new Object[captured.getInt()];
            for (int i = 0; i < values.length; i++) {
                byte[] value = new byte[captured.getInt()];
                captured.get(value);
                values[i] = Codec.decode(value);
            }
        } catch (BufferUnderflowException | NegativeArraySizeException | IndexOutOfBoundsException e) {
            throw new StreamCorruptedException("the captured values of a lambda of " + header.capturingName()
                    + " are cut short");
        }
        MethodHandle prepared = PreparedLambdas.factory(header);
        if (prepared != null) {
            try {
                return (Object) prepared.invokeExact(values);
            } catch (Throwable e) {
                throw failure(header.capturingName(), header.implMethod(), e);
            }
        }
        SerializedLambda lambda = new SerializedLambda(header.capturing(), header.interfaceClass(),
                header.interfaceMethod(), header.interfaceSignature(), header.implKind(), header.implClass(),
                header.implMethod(), header.implSignature(), header.instantiatedType(), values);
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
        LambdaClass type = lambdaClass(value);
        return type == null ? null : type.serializedForm(value);
    }

    /** {@code value}'s class as a {@link LambdaClass}; null for null and for any other value. */
    private static LambdaClass lambdaClass(Object value) {
        return value == null ? null : LAMBDA_CLASSES.get(value.getClass());
    }
}
