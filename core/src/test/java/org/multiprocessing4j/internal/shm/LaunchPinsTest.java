package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A launch knows whether it holds rings, which its child then links its futex call for at once. */
@Timeout(30)
class LaunchPinsTest {
    private static final int CAPACITY = 4096;

    @Test
    void aLaunchWithAQueuesRingHoldsRings() {
        SharedSegment value = SharedSegment.create(SharedLayout.Header.KIND_VALUE, Long.BYTES);
        SharedSegment queue = SharedSegment.create(SharedLayout.Header.KIND_QUEUE, SharedLayout.Ring.size(CAPACITY));
        LaunchPins pins = new LaunchPins();

        pins.collectWhile(() -> written(value, queue));

        assertThat(pins.holdsRings()).isTrue();
        pins.release();
    }

    @Test
    void aLaunchWithValuesAndLocksAloneHoldsNone() {
        SharedSegment value = SharedSegment.create(SharedLayout.Header.KIND_VALUE, Long.BYTES);
        SharedSegment lock = SharedSegment.create(SharedLayout.Header.KIND_LOCK, Long.BYTES);
        LaunchPins pins = new LaunchPins();

        pins.collectWhile(() -> written(value, lock));

        assertThat(pins.holdsRings()).isFalse();
        pins.release();
    }

    /** The descriptors of {@code segments}, as a launch's encoding writes them. */
    private static byte[] written(SharedSegment... segments) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (SharedSegment segment : segments) {
                segment.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
