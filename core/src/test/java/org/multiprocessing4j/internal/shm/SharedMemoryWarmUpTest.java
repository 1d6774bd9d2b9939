package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A spare's warm-up for targets that hold shared state: it stops once its task has come. */
@Timeout(30)
class SharedMemoryWarmUpTest {
    @Test
    void warmingUpTwiceIsHarmless() {
        SharedMemoryWarmUp.exercise(() -> false);
        SharedMemoryWarmUp.exercise(() -> false);
    }

    @Test
    void aTaskThatHasComeStopsTheWarmUpBeforeItsNextStep() {
        AtomicInteger looks = new AtomicInteger();

        SharedMemoryWarmUp.exercise(() -> looks.incrementAndGet() > 1);

        assertThat(looks).hasValue(2); // looked before the first step and before the second, and stopped
    }
}
