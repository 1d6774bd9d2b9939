package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.StreamCorruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/**
 * Shared memory damaged by a stray write, or a handle's descriptor damaged on its way: each is a
 * clear error naming what is wrong, never a hang, an OutOfMemoryError or a raw
 * IndexOutOfBoundsException.
 */
@Timeout(30)
class CorruptSharedMemoryTest {
    private static final int CAPACITY = 4096;

    private static SharedSegment ringSegment() {
        return SharedSegment.create(SharedLayout.Header.KIND_QUEUE, SharedLayout.Ring.size(CAPACITY));
    }

    private static MessageRing freshRing(SharedSegment segment) {
        MessageRing ring = new MessageRing(segment, SharedLayout.Header.SIZE);
        ring.initialize(CAPACITY, 0, false);
        return ring;
    }

    private static DataInputStream descriptor(SharedSegment segment, long offset) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            segment.writeTo(out);
            out.writeLong(offset);
        }
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void aTailFarAheadOfTheHeadIsReportedNotReadAsAHugeFrame() throws Exception {
        SharedSegment segment = ringSegment();
        MessageRing ring = freshRing(segment);
        ring.put("kept?".getBytes(), Deadline.never());
        long tail = SharedLayout.Header.SIZE + SharedLayout.Ring.TAIL;
        long dataHeader = SharedLayout.Header.SIZE + SharedLayout.Ring.DATA;
        Atomics.LONG.setVolatile(segment.memory(), tail, 1L << 40);
        segment.memory().set(java.lang.foreign.ValueLayout.JAVA_INT, dataHeader + SharedLayout.Ring.FRAME_LENGTH,
                Integer.MAX_VALUE - 64);
        assertThatThrownBy(() -> ring.take(Deadline.never())).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("corrupt queue frame");
        ring.put("after".getBytes(), Deadline.never());
        assertThat(new String(ring.take(Deadline.never()))).as("the ring is usable again").isEqualTo("after");
    }

    @Test
    void aDamagedCapacityIsReportedByTheNextProcessThatUsesTheRing() throws Exception {
        SharedSegment segment = ringSegment();
        freshRing(segment);
        Atomics.INT.setVolatile(segment.memory(), SharedLayout.Header.SIZE + SharedLayout.Ring.CAPACITY, 1 << 30);
        MessageRing attached = MessageRing.readFrom(descriptor(segment, SharedLayout.Header.SIZE));
        assertThatThrownBy(() -> attached.put("x".getBytes(), Deadline.never()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("damaged").hasMessageContaining("1073741824");
    }

    @Test
    void aDescriptorWhoseOffsetLiesOutsideItsSegmentIsRefusedWhenRead() throws Exception {
        SharedSegment segment = ringSegment();
        long size = segment.memory().byteSize();
        assertThatThrownBy(() -> MessageRing.readFrom(descriptor(segment, size - 8)))
                .isInstanceOf(StreamCorruptedException.class).hasMessageContaining(segment.name());
        assertThatThrownBy(() -> RobustMutex.readFrom(descriptor(segment, -1)))
                .isInstanceOf(StreamCorruptedException.class);
        assertThatThrownBy(() -> SharedSemaphore.readFrom(descriptor(segment, Long.MAX_VALUE)))
                .isInstanceOf(StreamCorruptedException.class);
        assertThat(RobustMutex.readFrom(descriptor(segment, SharedLayout.Header.SIZE))).isNotNull();
    }

    @Test
    void aBarrierOrASemaphoreWhoseCountsNoCallCouldMakeIsReportedNotWaitedOnForEver() throws Exception {
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_BARRIER, SharedLayout.Barrier.SIZE);
        SharedBarrier barrier = new SharedBarrier(segment, SharedLayout.Header.SIZE);
        barrier.initialize(2);
        Atomics.INT.setVolatile(segment.memory(), SharedLayout.Header.SIZE + SharedLayout.Barrier.PARTIES, 0);
        assertThatThrownBy(() -> barrier.await(Deadline.never(), null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("barrier is damaged");

        SharedSegment semaphoreSegment = SharedSegment.create(SharedLayout.Header.KIND_SEMAPHORE, SharedLayout.Semaphore.SIZE);
        SharedSemaphore semaphore = new SharedSemaphore(semaphoreSegment, SharedLayout.Header.SIZE);
        semaphore.initialize(1, SharedLayout.Semaphore.UNBOUNDED);
        Atomics.INT.setVolatile(semaphoreSegment.memory(), SharedLayout.Header.SIZE + SharedLayout.Semaphore.PERMITS, -7);
        assertThatThrownBy(() -> semaphore.acquire(Deadline.never())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("semaphore is damaged").hasMessageContaining("-7");
    }
}
