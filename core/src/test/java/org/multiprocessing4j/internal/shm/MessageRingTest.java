package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/** Damaged bytes in a ring are named, and do not take the ring down. */
@Timeout(30)
class MessageRingTest {
    private static final int CAPACITY = 4096;

    private static MessageRing ring(SharedSegment segment) {
        MessageRing ring = new MessageRing(segment, SharedLayout.Header.SIZE);
        ring.initialize(CAPACITY, 0, false);
        return ring;
    }

    private static long dataOffset() {
        return SharedLayout.Header.SIZE + SharedLayout.Ring.DATA;
    }

    @Test
    void aFlippedPayloadByteIsAChecksumErrorAndTheNextFrameReadsFine() throws Exception {
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_QUEUE, SharedLayout.Ring.size(CAPACITY));
        MessageRing ring = ring(segment);
        ring.put("first".getBytes(), Deadline.never());
        ring.put("second".getBytes(), Deadline.never());
        long payload = dataOffset() + SharedLayout.Ring.FRAME_HEADER;
        byte b = segment.memory().get(ValueLayout.JAVA_BYTE, payload);
        segment.memory().set(ValueLayout.JAVA_BYTE, payload, (byte) (b ^ 0x40));
        assertThatThrownBy(() -> ring.take(Deadline.never())).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("checksum mismatch");
        assertThat(new String(ring.take(Deadline.never()))).isEqualTo("second");
        assertThat(ring.items()).isZero();
    }

    @Test
    void aDamagedHeaderDropsWhatCannotBeTrustedAndTheRingGoesOn() throws Exception {
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_QUEUE, SharedLayout.Ring.size(CAPACITY));
        MessageRing ring = ring(segment);
        ring.put("doomed".getBytes(), Deadline.never());
        segment.memory().set(ValueLayout.JAVA_INT, dataOffset() + SharedLayout.Ring.FRAME_LENGTH, 1 << 30);
        assertThatThrownBy(() -> ring.take(Deadline.never())).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("corrupt queue frame: length 1073741824");
        ring.put("fresh".getBytes(), Deadline.never());
        assertThat(new String(ring.take(Deadline.never()))).isEqualTo("fresh");
    }

    @Test
    void wrappingFramesNeverWriteIntoTheRingThatFollows() throws Exception {
        long ringSize = SharedLayout.Ring.size(CAPACITY);
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_PIPE, 2 * ringSize);
        MessageRing first = ring(segment);
        MessageRing second = new MessageRing(segment, SharedLayout.Header.SIZE + ringSize);
        second.initialize(CAPACITY, 0, false);
        for (int i = 0; i < 2000; i++) {
            byte[] message = new byte[(i * 37) % 300];
            first.put(message, Deadline.never());
            assertThat(first.take(Deadline.never())).hasSize(message.length);
            long next = SharedLayout.Header.SIZE + ringSize;
            assertThat(segment.memory().get(ValueLayout.JAVA_INT, next + SharedLayout.Ring.WRITER_MUTEX))
                    .as("the next ring's writer mutex after frame %d", i).isZero();
        }
        second.put("intact".getBytes(), Deadline.after(java.time.Duration.ZERO));
        assertThat(new String(second.take(Deadline.never()))).isEqualTo("intact");
    }

    @Test
    void framesWrapAroundTheEndOfTheRing() throws Exception {
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_QUEUE, SharedLayout.Ring.size(CAPACITY));
        MessageRing ring = ring(segment);
        for (int i = 0; i < 1000; i++) {
            byte[] message = new byte[i % 700];
            java.util.Arrays.fill(message, (byte) i);
            ring.put(message, Deadline.never());
            assertThat(ring.take(Deadline.never())).isEqualTo(message);
        }
    }

    @Test
    void aMessageInTwoPartsReadsBackAsTheirConcatenationInTheRingAndInASpillFile() throws Exception {
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_QUEUE, SharedLayout.Ring.size(CAPACITY));
        MessageRing ring = ring(segment);
        byte[] head = {7};
        for (int size : new int[] {0, 100, CAPACITY * 3}) {
            byte[] rest = new byte[size];
            java.util.Arrays.fill(rest, (byte) size);
            byte[] whole = java.util.Arrays.copyOf(head, 1 + size);
            System.arraycopy(rest, 0, whole, 1, size);
            ring.put(head, rest, Deadline.never());
            assertThat(ring.peek(Deadline.never())).as("%d bytes, peeked", size).isEqualTo(whole);
            assertThat(ring.take(Deadline.never())).as("%d bytes", size).isEqualTo(whole);
        }
        segment.retire();
    }
}
