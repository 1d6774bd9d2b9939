package org.multiprocessing4j.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CodecTest {
    @Test
    void thePlainValuesAreTheOnesWrittenWithATagOfTheirOwn() {
        List<Object> plain = Arrays.asList(null, 1, 2L, "s", new byte[] {1}, 1.5, 1.5f, (short) 1, (byte) 1,
                'c', true, new int[] {1}, new long[] {1}, new double[] {1});
        for (Object value : plain) {
            assertThat(Codec.isPlain(value)).as(String.valueOf(value)).isTrue();
            assertThat(Codec.encodeCompact(value)[0]).as(String.valueOf(value))
                    .isNotIn(Codec.COMPACT_OBJECT, Codec.SERIALIZED);
        }
        for (Object value : List.of(new float[] {1}, new Object[] {1}, List.of(1), new Object())) {
            assertThat(Codec.isPlain(value)).as(value.getClass().getName()).isFalse();
        }
    }

    @Test
    void scalarsRoundTripAtTheirLimits() throws Exception {
        List<Object> values = List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE,
                0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE,
                -0.0, Double.MIN_VALUE, Double.NEGATIVE_INFINITY, Double.NaN,
                -0.0f, Float.MAX_VALUE, Float.NaN,
                (short) -1, Short.MIN_VALUE, Short.MAX_VALUE,
                (byte) -1, Byte.MIN_VALUE, Byte.MAX_VALUE,
                '\0', '\uffff', 'é', true, false);
        for (Object value : values) {
            Object decoded = Codec.decode(Codec.encode(value, "a value"));
            assertThat(decoded).isInstanceOf(value.getClass()).isEqualTo(value);
        }
    }

    @Test
    void scalarsAreBigEndianAsAByteBufferWritesThem() {
        byte[] encoded = Codec.encode(0x01020304, "an int");
        assertThat(Arrays.copyOfRange(encoded, 1, encoded.length))
                .isEqualTo(ByteBuffer.allocate(Integer.BYTES).putInt(0x01020304).array());
        byte[] encodedDouble = Codec.encode(-2.5, "a double");
        assertThat(Arrays.copyOfRange(encodedDouble, 1, encodedDouble.length))
                .isEqualTo(ByteBuffer.allocate(Double.BYTES).putDouble(-2.5).array());
    }

    @Test
    void aScalarCutShortIsACorruptStreamNotAWrongValue() {
        byte[] encoded = Codec.encode(Long.MAX_VALUE, "a long");
        byte[] cut = Arrays.copyOf(encoded, encoded.length - 1);
        assertThatThrownBy(() -> Codec.decode(cut))
                .isInstanceOf(StreamCorruptedException.class)
                .hasMessageContaining("cut short");
    }

    @Test
    void aLargeByteArrayGoesOutInTwoPartsAndComesBackFromItsSpillFileAsItself() throws Exception {
        byte[] payload = new byte[100_000];
        Arrays.fill(payload, (byte) 3);
        Codec.Parts parts = Codec.encodeParts(payload, "bytes");
        assertThat(parts.body()).as("not copied").isSameAs(payload);
        byte[] file = java.nio.ByteBuffer.allocate(parts.head().length + parts.body().length)
                .put(parts.head()).put(parts.body()).array();
        assertThat(file).isEqualTo(Codec.encode(payload, "bytes"));

        Object read = Codec.MESSAGES.spilled(spilled(file));
        assertThat(Codec.decode(read)).isEqualTo(payload);
        assertThat(Codec.rawBytes(read)).isEqualTo(payload);
        Object text = Codec.MESSAGES.spilled(spilled(Codec.encode("text", "a")));
        assertThat(Codec.decode(text)).isEqualTo("text");
    }

    /** A spill file's message, as a reader sees it, holding {@code file}. */
    private static org.multiprocessing4j.internal.shm.MessageRing.SpilledMessage spilled(byte[] file) {
        return new org.multiprocessing4j.internal.shm.MessageRing.SpilledMessage() {
            @Override
            public long length() {
                return file.length;
            }

            @Override
            public void copyTo(long from, byte[] into, int offset, int length) {
                System.arraycopy(file, (int) from, into, offset, length);
            }
        };
    }
}
