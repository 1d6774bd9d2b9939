package org.multiprocessing4j.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.BootstrapMethodEntry;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.IntegerEntry;
import java.lang.classfile.constantpool.InvokeDynamicEntry;
import java.lang.classfile.constantpool.LoadableConstantEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.multiprocessing4j.internal.Log;

/**
 * Lambda classes a spare JVM makes before its task comes, so that its task's target is made without
 * loading the target's class or spinning its lambda class on the way: together some 3-6 ms of a
 * PRESPAWN start, which a forked CPython child does not pay.
 *
 * <p>The parent {@linkplain #record records} the {@link LambdaCodec} header of each target it hands
 * to a spare, keeps the last {@value #RECENT_LIMIT}, and sends them in the warm-up of each new
 * spare ({@link #recent}); a program starts the same targets again and again. The spare
 * {@linkplain #prepare prepares} each: it loads the capturing class without initializing it, reads
 * the class file for the {@code invokedynamic} that made that lambda, which must be a serializable
 * lambda's ({@code LambdaMetafactory.altMetafactory} with {@code FLAG_SERIALIZABLE}, the call sites
 * that {@code $deserializeLambda$} also makes lambdas of), and calls the metafactory with that call
 * site's own arguments through the class's private lookup. {@link LambdaCodec#make} then makes the
 * task's lambda with the factory ({@link #factory}) instead of {@code $deserializeLambda$}: the same
 * lambda, of an equivalent class, with the same serialized form. Neither runs any code of the class:
 * its static initializer runs when the lambda is first called, as for a lambda made in its own
 * process, not while the task is decoded. A header whose class or call site cannot be found this way
 * is not prepared, and its lambda is made as any other.
 */
public final class PreparedLambdas {
    /** How many recent targets' headers a new spare prepares. */
    static final int RECENT_LIMIT = 4;
    private static final String METAFACTORY_OWNER = "java/lang/invoke/LambdaMetafactory";
    private static final String ALT_METAFACTORY = "altMetafactory";
    // altMetafactory's static arguments: the erased interface method type, the implementation, the
    // instantiated type, the flags, and then what the flags call for (marker interfaces, bridges).
    private static final int INTERFACE_TYPE_ARGUMENT = 0;
    private static final int IMPLEMENTATION_ARGUMENT = 1;
    private static final int INSTANTIATED_TYPE_ARGUMENT = 2;
    private static final int FLAGS_ARGUMENT = 3;
    private static final MethodType SPREAD = MethodType.methodType(Object.class, Object[].class);

    /** The parent's recent headers, newest last, each once. */
    private static final Deque<byte[]> RECENT = new ArrayDeque<>();
    /** The spare's factories, by header: each takes the captured values as an array and returns the lambda. */
    static final Map<LambdaCodec.Header, MethodHandle> FACTORIES = new ConcurrentHashMap<>();

    private PreparedLambdas() {}

    /** Notes the header of {@code target}, about to go to a spare; nothing if it is not a serializable lambda. */
    public static void record(Object target) {
        LambdaCodec.ClassHeader classHeader = LambdaCodec.headerOf(target);
        if (classHeader == null) {
            return;
        }
        byte[] header = classHeader.bytes();
        synchronized (RECENT) {
            RECENT.removeIf(known -> Arrays.equals(known, header));
            RECENT.addLast(header);
            if (RECENT.size() > RECENT_LIMIT) {
                RECENT.removeFirst();
            }
        }
    }

    /** The recorded headers, as {@link #prepare} reads them: their number, then each as its length and its bytes. */
    public static byte[] recent() {
        List<byte[]> headers;
        synchronized (RECENT) {
            headers = new ArrayList<>(RECENT);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(headers.size());
            for (byte[] header : headers) {
                out.writeInt(header.length);
                out.write(header);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen writing to memory", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Prepares each header in {@code headers} ({@link #recent}) for lambdas made with the system class
     * loader, as a child's task is. Never throws: a header that cannot be prepared is left out.
     */
    public static void prepare(byte[] headers) {
        List<byte[]> each = new ArrayList<>();
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(headers));
            for (int n = in.readInt(); n > 0; n--) {
                each.add(in.readNBytes(in.readInt()));
            }
        } catch (IOException | RuntimeException e) {
            Log.debug("the headers of a spare's lambdas are malformed: " + e);
        }
        for (byte[] header : each) {
            prepareOne(header);
        }
    }

    private static void prepareOne(byte[] bytes) {
        try {
            LambdaCodec.Header header = LambdaCodec.readAndRemember(bytes, ClassLoader.getSystemClassLoader());
            MethodHandle factory = spin(header);
            if (factory != null) {
                FACTORIES.put(header, factory);
            }
        } catch (IOException | ReflectiveOperationException | LambdaConversionException | RuntimeException
                | LinkageError e) {
            Log.debug("a spare could not prepare a lambda: " + e);
        }
    }

    /** The factory prepared for {@code header}'s lambdas, or null if there is none. */
    static MethodHandle factory(LambdaCodec.Header header) {
        return FACTORIES.isEmpty() ? null : FACTORIES.get(header);
    }

    /**
     * The factory of {@code header}'s lambdas, made by the metafactory call of the capturing class's
     * serializable call site that names the same implementation, interface method and types; null if
     * the class has no such call site.
     */
    private static MethodHandle spin(LambdaCodec.Header header)
            throws IOException, ReflectiveOperationException, LambdaConversionException {
        Class<?> capturing = header.capturing();
        byte[] classFile;
        try (InputStream in = capturing.getClassLoader() == null ? null
                : capturing.getClassLoader().getResourceAsStream(capturing.getName().replace('.', '/') + ".class")) {
            if (in == null) {
                return null;
            }
            classFile = in.readAllBytes();
        }
        for (PoolEntry entry : ClassFile.of().parse(classFile).constantPool()) {
            if (entry instanceof InvokeDynamicEntry site && site.name().equalsString(header.interfaceMethod())
                    && site.type().stringValue().endsWith(")L" + header.interfaceClass() + ";")
                    && isCallSiteOf(site.bootstrap(), header)) {
                MethodHandles.Lookup lookup = LambdaCodec.privateLookupIn(capturing);
                List<LoadableConstantEntry> arguments = site.bootstrap().arguments();
                Object[] resolved = new Object[arguments.size()];
                for (int i = 0; i < resolved.length; i++) {
                    resolved[i] = arguments.get(i).constantValue().resolveConstantDesc(lookup);
                }
                MethodType factoryType = MethodType.fromMethodDescriptorString(site.type().stringValue(),
                        capturing.getClassLoader());
                CallSite made = LambdaMetafactory.altMetafactory(lookup, header.interfaceMethod(), factoryType,
                        resolved);
                return made.getTarget().asSpreader(Object[].class, factoryType.parameterCount()).asType(SPREAD);
            }
        }
        return null;
    }

    /** Whether {@code bootstrap} is a serializable lambda's metafactory call for {@code header}. */
    private static boolean isCallSiteOf(BootstrapMethodEntry bootstrap, LambdaCodec.Header header) {
        MethodHandleEntry method = bootstrap.bootstrapMethod();
        List<LoadableConstantEntry> arguments = bootstrap.arguments();
        if (!method.reference().owner().asInternalName().equals(METAFACTORY_OWNER)
                || !method.reference().name().equalsString(ALT_METAFACTORY) || arguments.size() <= FLAGS_ARGUMENT
                || !(arguments.get(INTERFACE_TYPE_ARGUMENT) instanceof MethodTypeEntry interfaceType)
                || !(arguments.get(IMPLEMENTATION_ARGUMENT) instanceof MethodHandleEntry implementation)
                || !(arguments.get(INSTANTIATED_TYPE_ARGUMENT) instanceof MethodTypeEntry instantiated)
                || !(arguments.get(FLAGS_ARGUMENT) instanceof IntegerEntry flags)) {
            return false;
        }
        return (flags.intValue() & LambdaMetafactory.FLAG_SERIALIZABLE) != 0
                && implementation.kind() == header.implKind()
                && implementation.reference().owner().asInternalName().equals(header.implClass())
                && implementation.reference().name().equalsString(header.implMethod())
                && implementation.reference().type().equalsString(header.implSignature())
                && interfaceType.descriptor().equalsString(header.interfaceSignature())
                && instantiated.descriptor().equalsString(header.instantiatedType());
    }
}
