package org.multiprocessing4j.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/** Frames round-trip, and every kind of damage is named rather than misread. */
@Timeout(30)
class FrameChannelTest {
    private static final byte MAX_TYPE = 9;

    /** A channel that records what is written and replays given bytes on read. */
    static final class Tape implements ByteChannel {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final ByteBuffer toRead;

        Tape(byte[] toRead) {
            this.toRead = ByteBuffer.wrap(toRead);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!toRead.hasRemaining()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), Math.min(toRead.remaining(), 7)); // short reads too
            dst.put(toRead.slice(toRead.position(), n));
            toRead.position(toRead.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] bytes = new byte[n];
            src.get(bytes);
            written.writeBytes(bytes);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    private static byte[] encode(Frame... frames) throws Exception {
        Tape tape = new Tape(new byte[0]);
        FrameChannel channel = new FrameChannel(tape, MAX_TYPE, 1 << 20);
        for (Frame frame : frames) {
            channel.write(frame);
        }
        return tape.written.toByteArray();
    }

    @Test
    void framesRoundTripAndEndCleanly() throws Exception {
        byte[] bytes = encode(new Frame((byte) 3, "hello".getBytes()), Frame.of((byte) 9), new Frame((byte) 1, new byte[70_000]));
        FrameChannel reader = new FrameChannel(new Tape(bytes), MAX_TYPE, 1 << 20);
        Frame first = reader.read();
        assertThat(first.type()).isEqualTo((byte) 3);
        assertThat(new String(first.payload())).isEqualTo("hello");
        assertThat(reader.read().payload()).isEmpty();
        assertThat(reader.read().payload()).hasSize(70_000);
        assertThat(reader.read()).isNull();
    }

    @Test
    void garbageIsNamedAsABadMagicNumber() {
        byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes();
        FrameChannel reader = new FrameChannel(new Tape(garbage), MAX_TYPE, 1 << 20);
        assertThatThrownBy(reader::read).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("magic number is 0x47455420");
    }

    @Test
    void aFlippedPayloadBitFailsTheChecksum() throws Exception {
        byte[] bytes = encode(new Frame((byte) 2, "payload".getBytes()));
        bytes[Frame.HEADER_SIZE + 3] ^= 0x10;
        FrameChannel reader = new FrameChannel(new Tape(bytes), MAX_TYPE, 1 << 20);
        assertThatThrownBy(reader::read).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void anAbsurdLengthIsRefusedBeforeAnythingIsAllocated() throws Exception {
        byte[] bytes = encode(new Frame((byte) 2, new byte[10]));
        ByteBuffer.wrap(bytes).putInt(Frame.LENGTH_OFFSET, Integer.MAX_VALUE);
        FrameChannel reader = new FrameChannel(new Tape(bytes), MAX_TYPE, 1 << 20);
        assertThatThrownBy(reader::read).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("payload length 2147483647 is outside 0..1048576");
    }

    @Test
    void anUnknownTypeIsRefused() throws Exception {
        byte[] bytes = encode(new Frame((byte) 2, new byte[1]));
        bytes[Frame.TYPE_OFFSET] = 42;
        FrameChannel reader = new FrameChannel(new Tape(bytes), MAX_TYPE, 1 << 20);
        assertThatThrownBy(reader::read).isInstanceOf(CorruptFrameException.class).hasMessageContaining("unknown type 42");
    }

    @Test
    void aFrameCutShortIsAnEofNotASilentNull() throws Exception {
        byte[] bytes = encode(new Frame((byte) 2, new byte[100]));
        FrameChannel reader = new FrameChannel(new Tape(Arrays.copyOf(bytes, 50)), MAX_TYPE, 1 << 20);
        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class).hasMessageContaining("middle of a frame");
    }
}
