package org.multiprocessing4j.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Serializable lambdas in and out without ObjectInputStream, and what is left to Java serialization. */
@Timeout(10)
class LambdaCodecTest {
    interface SerializableFunction extends Function<Integer, String>, Serializable {}

    private static final ClassLoader LOADER = LambdaCodecTest.class.getClassLoader();

    private static Object decode(byte[] bytes) throws IOException {
        return LambdaCodec.decode(new DataInputStream(new ByteArrayInputStream(bytes)), LOADER);
    }

    @Test
    void aLambdaAndTheValuesItCapturesComeBack() throws Exception {
        int number = 7;
        String text = "seven";
        long[] longs = {1, 2, 3};
        String nothing = null;
        SerializableFunction f = x -> x * number + text + Arrays.toString(longs) + nothing;
        byte[] bytes = LambdaCodec.encode(f);
        assertThat(bytes).isNotNull();
        @SuppressWarnings("unchecked")
        Function<Integer, String> back = (Function<Integer, String>) decode(bytes);
        assertThat(back).isNotSameAs(f);
        assertThat(back.apply(2)).isEqualTo("14seven[1, 2, 3]null");
    }

    private static SerializableFunction adding(int number) {
        return x -> Integer.toString(x + number);
    }

    @Test
    void lambdasOfOneClassShareAHeaderWrittenOnceAndKeepTheirOwnCaptures() throws Exception {
        byte[] first = LambdaCodec.encode(adding(1));
        byte[] second = LambdaCodec.encode(adding(100));
        int headerLength = java.nio.ByteBuffer.wrap(first).getInt();
        assertThat(Arrays.copyOfRange(second, 0, 4 + headerLength)).isEqualTo(Arrays.copyOfRange(first, 0, 4 + headerLength));
        for (int round = 0; round < 2; round++) { // the second round reads the headers it has seen
            @SuppressWarnings("unchecked")
            Function<Integer, String> one = (Function<Integer, String>) decode(first);
            @SuppressWarnings("unchecked")
            Function<Integer, String> hundred = (Function<Integer, String>) decode(second);
            assertThat(one.apply(1)).isEqualTo("2");
            assertThat(hundred.apply(1)).isEqualTo("101");
        }
    }

    @Test
    void aLambdaSplitsIntoItsClassHeaderNumberedOncePerClassAndItsOwnCaptures() throws Exception {
        LambdaCodec.Parts one = LambdaCodec.split(adding(1));
        LambdaCodec.Parts hundred = LambdaCodec.split(adding(100));
        SerializableFunction other = x -> "other";
        LambdaCodec.Parts ofAnotherClass = LambdaCodec.split(other);
        assertThat(hundred.header()).isSameAs(one.header());
        assertThat(ofAnotherClass.header().id()).isNotEqualTo(one.header().id());
        LambdaCodec.Header header = LambdaCodec.readHeader(one.header().bytes(), LOADER);
        @SuppressWarnings("unchecked")
        Function<Integer, String> back = (Function<Integer, String>) LambdaCodec.make(header,
                java.nio.ByteBuffer.wrap(hundred.captured()));
        assertThat(back.apply(1)).isEqualTo("101");
        assertThat(header.implMethod()).as("interned, for $deserializeLambda$'s comparisons")
                .isSameAs(header.implMethod().intern());
        assertThat(LambdaCodec.split("not a lambda")).isNull();
    }

    @Test
    void capturedValuesCutShortAreReportedAsDamaged() throws Exception {
        LambdaCodec.Parts parts = LambdaCodec.split(adding(1));
        LambdaCodec.Header header = LambdaCodec.readHeader(parts.header().bytes(), LOADER);
        byte[] cut = Arrays.copyOf(parts.captured(), parts.captured().length - 1);
        assertThatThrownBy(() -> LambdaCodec.make(header, java.nio.ByteBuffer.wrap(cut)))
                .isInstanceOf(java.io.StreamCorruptedException.class).hasMessageContaining("cut short");
    }

    @Test
    void aHeaderCutShortIsReportedAsDamaged() {
        byte[] bytes = LambdaCodec.encode(adding(1));
        assertThatThrownBy(() -> decode(Arrays.copyOf(bytes, 10))).isInstanceOf(IOException.class);
    }

    @Test
    void aMethodReferenceComesBack() throws Exception {
        SerializableFunction f = String::valueOf;
        @SuppressWarnings("unchecked")
        Function<Integer, String> back = (Function<Integer, String>) decode(LambdaCodec.encode(f));
        assertThat(back.apply(42)).isEqualTo("42");
    }

    @Test
    void theCapturingClassIsNamedForALambdaOnly() {
        SerializableFunction f = x -> "x";
        assertThat(LambdaCodec.capturingClassName(f)).isEqualTo(LambdaCodecTest.class.getName());
        assertThat(LambdaCodec.capturingClassName("not a lambda")).isNull();
    }

    @Test
    void whatItCannotWriteWholeIsLeftToJavaSerialization() {
        List<Integer> list = List.of(1);
        SerializableFunction capturesAList = x -> list.toString();
        Function<Integer, String> notSerializable = x -> "x";
        assertThat(LambdaCodec.encode(capturesAList)).as("a capture without a compact form").isNull();
        assertThat(LambdaCodec.encode(notSerializable)).as("a lambda that is not Serializable").isNull();
        assertThat(LambdaCodec.encode("not a lambda")).isNull();
        assertThat(LambdaCodec.encode(null)).isNull();
    }

    @Test
    void aMissingClassIsNamed() {
        SerializableFunction f = x -> "x";
        byte[] bytes = replace(LambdaCodec.encode(f), LambdaCodecTest.class.getName(),
                LambdaCodecTest.class.getName().replace("LambdaCodecTest", "LambdaCodecTesX"));
        assertThatThrownBy(() -> decode(bytes))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining("LambdaCodecTesX")
                .hasMessageContaining("not in this process");
    }

    @Test
    void aLambdaItsClassDoesNotDefineIsRefused() {
        SerializableFunction f = x -> "x";
        byte[] bytes = LambdaCodec.encode(f);
        String implMethod = implMethodName(bytes);
        byte[] forged = replace(bytes, implMethod, implMethod.replace("lambda$", "lambda_"));
        assertThatThrownBy(() -> decode(forged))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining("cannot make the lambda lambda_");
    }

    private static String implMethodName(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int start = text.indexOf("lambda$");
        int end = start;
        while (end < text.length() && text.charAt(end) >= ' ' && text.charAt(end) != 0) {
            end++;
        }
        return text.substring(start, end);
    }

    /** The bytes with one string replaced by another of the same length, so lengths stay right. */
    private static byte[] replace(byte[] bytes, String from, String to) {
        assertThat(to).hasSameSizeAs(from);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
