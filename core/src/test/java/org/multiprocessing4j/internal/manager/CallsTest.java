package org.multiprocessing4j.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CallsTest {
    @Test
    void aCallReadsBackAsItWasWritten() throws Exception {
        Calls.Call call = Calls.readCall(Calls.call(7, "put(java.lang.Object,java.lang.Object)", new Object[] {"k", 42}));

        assertThat(call.objectId()).isEqualTo(7);
        assertThat(call.method()).isEqualTo("put(java.lang.Object,java.lang.Object)");
        assertThat(call.arguments()).containsExactly("k", 42);
    }

    @Test
    void aKeyBeyondAsciiReadsBackAsItWasWritten() throws Exception {
        String key = "größe(java.lang.String)\u0000\u20ac";

        assertThat(Calls.readCall(Calls.call(1, key, null)).method()).isEqualTo(key);
    }

    @Test
    void aCallCutShortIsAnEofNamingItsSize() throws Exception {
        byte[] whole = Calls.call(7, "get(java.lang.Object)", new Object[] {"k"});

        for (int cut : new int[] {3, 10, whole.length - 6}) {
            assertThatThrownBy(() -> Calls.readCall(Arrays.copyOf(whole, cut)))
                    .isInstanceOf(EOFException.class).hasMessageContaining(cut + " bytes");
        }
    }

    @Test
    void anArgumentLongerThanTheFrameIsReportedAsSuch() {
        byte[] frame = ByteBuffer.allocate(Long.BYTES + Short.BYTES + 1 + 2 * Integer.BYTES)
                .putLong(7).putShort((short) 1).put((byte) 'x').putInt(1).putInt(1_000).array();

        assertThatThrownBy(() -> Calls.readCall(frame)).isInstanceOf(StreamCorruptedException.class)
                .hasMessageContaining("argument 0 says it has 1000 bytes");
    }
}
