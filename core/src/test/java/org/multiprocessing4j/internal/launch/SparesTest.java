package org.multiprocessing4j.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When a refill may boot a spare: only once takes have paused, so that none boots beside a burst of starts. */
@Timeout(10)
class SparesTest {
    private static final long DELAY = Spares.REFILL_DELAY.toNanos();

    @Test
    void aRefillRightAfterATakeWaitsTheWholeDelay() {
        assertThat(Spares.refillWaitNanos(1_000, 1_000)).isEqualTo(DELAY);
    }

    @Test
    void aRefillWaitsWhatIsLeftOfTheDelaySinceTheLastTake() {
        assertThat(Spares.refillWaitNanos(1_000 + DELAY / 4, 1_000)).isEqualTo(DELAY - DELAY / 4);
    }

    @Test
    void aRefillOnceTakesHavePausedForTheDelayBootsAtOnce() {
        assertThat(Spares.refillWaitNanos(1_000 + DELAY, 1_000)).isZero();
        assertThat(Spares.refillWaitNanos(1_000 + 10 * DELAY, 1_000)).isZero();
    }

    @Test
    void onlyTheTimeBetweenTheTwoCountsAsNanoTimeDoes() {
        // DELAY / 2 + 1 nanoseconds passed, across the wrap-around of the counter
        assertThat(Spares.refillWaitNanos(Long.MIN_VALUE + DELAY / 4, Long.MAX_VALUE - DELAY / 4))
                .isEqualTo(DELAY - (DELAY / 2 + 1));
    }
}
