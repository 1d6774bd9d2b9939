package org.multiprocessing4j.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The futex call itself, linked: what each outcome of a wait reports, and what a wake returns. The
 * arguments travel as {@code long}s ({@code Futex.Downcall}), so a word of every bit set is the
 * case that a sign extension would break, were the kernel to read more than 32 bits of it.
 */
@Timeout(60)
class FutexCallTest {
    private static final int EVERY_BIT = -1;
    private static final Duration SHORT = Duration.ofMillis(20);
    private static final Duration LONG_SLEEP = Duration.ofSeconds(30);

    private final MemorySegment word = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);

    @BeforeAll
    static void link() {
        Futex.link();
    }

    @Test
    void aWaitOnAWordThatHoldsTheExpectedValueTimesOut() {
        word.set(ValueLayout.JAVA_INT, 0, EVERY_BIT);

        assertThat(Futex.await(word, EVERY_BIT, SHORT)).isEqualTo(Futex.Wake.TIMED_OUT);
    }

    @Test
    void aWaitOnAWordThatHoldsAnotherValueReturnsAtOnce() {
        word.set(ValueLayout.JAVA_INT, 0, EVERY_BIT);

        assertThat(Futex.await(word, 0, LONG_SLEEP)).isEqualTo(Futex.Wake.VALUE_CHANGED);
        assertThat(Futex.await(word, Integer.MAX_VALUE, LONG_SLEEP)).isEqualTo(Futex.Wake.VALUE_CHANGED);
    }

    @Test
    void aWakeWithNobodyAsleepWakesNobody() {
        assertThat(Futex.wake(word, 1)).isZero();
    }

    @Test
    void aWakeWakesTheSleeperAndCountsIt() {
        word.set(ValueLayout.JAVA_INT, 0, EVERY_BIT);
        CompletableFuture<Futex.Wake> sleeper = CompletableFuture.supplyAsync(() -> Futex.await(word, EVERY_BIT, LONG_SLEEP));

        // Woken before it slept, a wake counts nobody: wake until it counts the sleeper.
        await().atMost(Duration.ofSeconds(20)).until(() -> Futex.wakeAll(word) == 1);

        assertThat(sleeper.join()).isEqualTo(Futex.Wake.WOKEN);
    }
}
