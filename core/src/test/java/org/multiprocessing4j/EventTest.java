package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multiprocessing4j.testing.Elapsed.NOT_FOR_EVER_MILLIS;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.Gate;

/** Python's _TestEvent.test_event. */
@Timeout(60)
class EventTest {
    @TempDir
    Path dir;

    @Test
    void waitsTimeOutUntilSetThenReturnAtOnceAndAChildCanSetIt() throws Exception {
        Event event = new Event();
        assertThat(event.isSet()).isFalse();
        assertThat(event.await(Duration.ZERO)).isFalse();
        long start = System.nanoTime();
        assertThat(event.await(Duration.ofMillis(100))).isFalse();
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(100L).isLessThan(NOT_FOR_EVER_MILLIS);

        event.set();
        assertThat(event.isSet()).isTrue();
        event.await();
        assertThat(event.await(Duration.ofMillis(100))).isTrue();

        event.clear();
        assertThat(event.isSet()).isFalse();
        String go = dir.resolve("go").toString();
        Process p = new Process(() -> {
            Gate.await(go);
            event.set();
        });
        p.start();
        Gate.open(go);
        event.await();
        assertThat(event.isSet()).isTrue();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
    }

    @Test
    void oneSetWakesEveryWaitingProcess() throws Exception {
        Event event = new Event();
        Semaphore started = new Semaphore(0);
        Process[] waiters = new Process[3];
        for (int i = 0; i < waiters.length; i++) {
            waiters[i] = new Process(() -> {
                started.release();
                if (!event.await(Duration.ofSeconds(30))) {
                    System.exit(3);
                }
            });
            waiters[i].start();
        }
        for (int i = 0; i < waiters.length; i++) {
            assertThat(started.acquire(Duration.ofSeconds(30))).isTrue();
        }
        event.set();
        for (Process w : waiters) {
            w.join();
            assertThat(w.exitCode()).hasValue(0);
        }
    }

    /**
     * A set wakes a sleeper only if the sleeper count has one: thousands of hand-overs between two
     * processes, each waiting for the other's set, lose none (a lost wake-up would time out).
     */
    @Test
    void twoProcessesHandOverThousandsOfTimesOnTwoEventsWithoutALostWakeUp() throws Exception {
        Event ping = new Event();
        Event pong = new Event();
        int rounds = 2_000;
        Process child = new Process(() -> {
            for (int i = 0; i < rounds; i++) {
                if (!ping.await(Duration.ofSeconds(30))) {
                    System.exit(3);
                }
                ping.clear();
                pong.set();
            }
        });
        child.start();
        for (int i = 0; i < rounds; i++) {
            ping.set();
            assertThat(pong.await(Duration.ofSeconds(30))).as("round %d", i).isTrue();
            pong.clear();
        }
        child.join();
        assertThat(child.exitCode()).hasValue(0);
    }
}
