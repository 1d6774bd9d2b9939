package org.multiprocessing4j.internal.wire;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.SharedLong;
import org.multiprocessing4j.StartMethod;
import org.multiprocessing4j.Value;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.launch.Spares;
import org.multiprocessing4j.testing.Prespawn;

/** A spare makes its task's lambda with a factory it prepared from the class file, running none of the class's code. */
@Timeout(60)
public class PreparedLambdasTest {
    // Public, for the copy of Capturing, which another loader defines in another runtime package.
    /** The class loaders of the copies of {@link Capturing} whose static initializers have run. */
    public static final List<ClassLoader> INITIALIZED = new CopyOnWriteArrayList<>();

    public interface SerializableOperator extends IntUnaryOperator, Serializable {}

    @AfterEach
    void defaultSpares() {
        Multiprocessing.getContext(StartMethod.PRESPAWN).setSpares(0).setSpares(Spares.DEFAULT_COUNT);
    }

    private static SerializableOperator adding(int added) {
        return x -> x + added;
    }

    private static Object decode(byte[] bytes) throws IOException {
        return LambdaCodec.decode(new DataInputStream(new ByteArrayInputStream(bytes)),
                ClassLoader.getSystemClassLoader());
    }

    private static byte[] headers(byte[]... headers) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(headers.length);
            for (byte[] header : headers) {
                out.writeInt(header.length);
                out.write(header);
            }
        }
        return bytes.toByteArray();
    }

    /**
     * A lambda of a copy of {@link Capturing} that a loader of its own defines and initializes: its
     * bytes name the class, which this test's loader has not initialized.
     */
    private static Object lambdaOfACopy(int added) throws Exception {
        Class<?> copy = new CopyingLoader().loadClass(Capturing.class.getName());
        Method adding = copy.getDeclaredMethod("adding", int.class);
        adding.setAccessible(true); // the copy's package is another runtime package
        return adding.invoke(null, added);
    }

    @Test
    void aPreparedLambdaRunsItsClassInitializerWhenFirstCalledNotWhenMade() throws Exception {
        assumeThat(PreparedLambdasTest.class.getClassLoader()).isSameAs(ClassLoader.getSystemClassLoader());
        Object copied = lambdaOfACopy(5);
        assertThat(INITIALIZED).containsExactly(copied.getClass().getClassLoader());
        PreparedLambdas.record(copied);
        PreparedLambdas.prepare(PreparedLambdas.recent());

        IntUnaryOperator made = (IntUnaryOperator) decode(LambdaCodec.encode(copied));

        assertThat(PreparedLambdas.factory(LambdaCodec.readHeader(LambdaCodec.headerOf(copied).bytes(),
                ClassLoader.getSystemClassLoader()))).isNotNull();
        assertThat(INITIALIZED).hasSize(1);
        assertThat(made.applyAsInt(1)).isEqualTo(6);
        assertThat(INITIALIZED).hasSize(2).last().isSameAs(ClassLoader.getSystemClassLoader());
    }

    @Test
    void aPreparedLambdaHasTheSerializedFormOfTheOneItStandsFor() throws Exception {
        int added = 7;
        SerializableOperator original = x -> x + added;
        PreparedLambdas.record(original);
        PreparedLambdas.prepare(PreparedLambdas.recent());
        Object made = decode(LambdaCodec.encode(original));

        assertThat(made).isNotSameAs(original);
        assertThat(LambdaCodec.capturedValues(made)).containsExactly(7);
        IntUnaryOperator again =
                (IntUnaryOperator) JavaSerialization.fromBytes(JavaSerialization.toBytes(made, "a lambda"));
        assertThat(again.applyAsInt(1)).isEqualTo(8);
    }

    @Test
    void aHeaderWithNoSuchSerializableCallSiteIsLeftToTheClassItNames() throws Exception {
        SerializableOperator real = x -> x * 3;
        byte[] header = LambdaCodec.headerOf(real).bytes();
        String forged = new String(header, ISO_8859_1)
                .replace("lambda$", "lambdb$");
        byte[] unknownClass = LambdaCodec.headerOf(real).bytes().clone();
        unknownClass[2] = (byte) 'Z'; // the first letter of the capturing class's name

        PreparedLambdas.prepare(headers(forged.getBytes(ISO_8859_1), unknownClass));

        assertThat(PreparedLambdas.factory(LambdaCodec.readHeader(forged.getBytes(ISO_8859_1),
                ClassLoader.getSystemClassLoader()))).isNull();
        assertThat(((IntUnaryOperator) decode(LambdaCodec.encode(real))).applyAsInt(2)).isEqualTo(6);
    }

    @Test
    void preparingGarbageThrowsNothing() {
        PreparedLambdas.prepare(new byte[] {0, 0, 0, 3, 1, 2});
        PreparedLambdas.prepare(new byte[0]);
    }

    @Test
    void theParentKeepsTheHeadersOfItsLastTargetsEachOnce() throws Exception {
        SerializableOperator last = x -> x - 1;
        for (int i = 0; i < 2 * PreparedLambdas.RECENT_LIMIT; i++) {
            PreparedLambdas.record(adding(i)); // one class of lambda: one header
        }
        PreparedLambdas.record(last);
        PreparedLambdas.record("not a lambda");

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(PreparedLambdas.recent()));
        List<byte[]> recent = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) {
            recent.add(in.readNBytes(in.readInt()));
        }
        assertThat(recent).hasSizeBetween(2, PreparedLambdas.RECENT_LIMIT);
        assertThat(recent.getLast()).isEqualTo(LambdaCodec.headerOf(last).bytes());
        assertThat(recent.stream().filter(h -> Arrays.equals(h, LambdaCodec.headerOf(adding(0)).bytes())))
                .hasSize(1);
    }

    @Test
    void aSpareMakesTheLambdaOfATargetStartedBeforeWithTheFactoryItPrepared() throws Exception {
        Context prespawn = Multiprocessing.getContext(StartMethod.PRESPAWN).setSpares(0).setSpares(1);
        SharedLong madeByAFactory = Value.ofLong(-1);
        SerializableRunnable target = () -> madeByAFactory.set(
                PreparedLambdas.FACTORIES.keySet().stream().anyMatch(h -> h.capturing() == PreparedLambdasTest.class) ? 1 : 0);
        for (int round = 0; round < 2; round++) {
            if (round == 1) { // the spare for the second, started after the first
                await().atMost(Duration.ofSeconds(30)).until(Prespawn::waitingSpares, spares -> !spares.isEmpty());
            }
            Process p = prespawn.newProcess(target);
            p.start();
            p.join();
            assertThat(p.exitCode()).hasValue(0);
        }
        assertThat(madeByAFactory.get()).isEqualTo(1);
    }

    /** Defines {@link Capturing} anew from its class file, and leaves every other class to its parent. */
    private static final class CopyingLoader extends ClassLoader {
        CopyingLoader() {
            super(PreparedLambdasTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Capturing.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return loaded;
            }
        }
    }
}

/** A class whose lambdas are made, and whose static initializer says when it runs. */
final class Capturing {
    static {
        PreparedLambdasTest.INITIALIZED.add(Capturing.class.getClassLoader());
    }

    private Capturing() {}

    static PreparedLambdasTest.SerializableOperator adding(int added) {
        return x -> x + added;
    }
}
