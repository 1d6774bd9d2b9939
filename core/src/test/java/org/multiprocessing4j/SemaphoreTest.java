package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multiprocessing4j.testing.Elapsed.NOT_FOR_EVER_MILLIS;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.Gate;

/** Python's _TestSemaphore scenarios, and permits given back by a dead process. */
@Timeout(60)
class SemaphoreTest {
    @TempDir
    Path dir;

    @Test
    void countsDownAndUpWithoutAnUpperBound() throws Exception {
        Semaphore sem = new Semaphore(2);
        assertThat(sem.value()).isEqualTo(2);
        sem.acquire();
        assertThat(sem.value()).isEqualTo(1);
        assertThat(sem.acquire(false)).isTrue();
        assertThat(sem.value()).isZero();
        assertThat(sem.acquire(false)).isFalse();
        sem.release();
        sem.release();
        assertThat(sem.value()).isEqualTo(2);
        sem.release();
        sem.release();
        assertThat(sem.value()).isEqualTo(4);
    }

    @Test
    void aBoundedSemaphoreRefusesToGoAboveItsInitialValue() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        sem.acquire();
        sem.acquire();
        sem.release();
        sem.release();
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class)
                .hasMessage("semaphore or lock released too many times");
        assertThat(sem.value()).isEqualTo(2);
    }

    @Test
    void timeoutsOfAnEmptySemaphore() throws Exception {
        Semaphore sem = new Semaphore(0);
        assertThat(sem.acquire(false)).isFalse();
        assertThat(sem.acquire(Duration.ZERO)).isFalse();
        long start = System.nanoTime();
        assertThat(sem.acquire(Duration.ofMillis(150))).isFalse();
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(150L).isLessThan(NOT_FOR_EVER_MILLIS);
        assertThatThrownBy(() -> new Semaphore(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReleaseInAChildWakesTheParent() throws Exception {
        Semaphore sem = new Semaphore(0);
        String go = dir.resolve("go").toString();
        Process p = new Process(() -> {
            Gate.await(go);
            sem.release();
        });
        p.start();
        Gate.open(go);
        assertThat(sem.acquire(Duration.ofSeconds(30))).isTrue();
        p.join();
    }

    @Test
    void permitsHeldByAKilledProcessAreGivenBackWithinASecond() throws Exception {
        Semaphore sem = new Semaphore(2);
        String held = dir.resolve("held").toString();
        Process p = new Process(() -> {
            sem.acquire();
            sem.acquire();
            Gate.open(held);
            Thread.sleep(Long.MAX_VALUE);
        });
        p.start();
        Gate.await(held);
        assertThat(sem.acquire(false)).isFalse();
        p.kill();
        p.join();
        long start = System.nanoTime();
        assertThat(sem.acquire(Duration.ofSeconds(5))).isTrue();
        assertThat(sem.acquire(Duration.ofSeconds(5))).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
        assertThat(sem.value()).isZero();
    }

    @Test
    void aPermitReleasedByOneProcessAndTakenByAnotherThatExitsInOrderStaysTaken() throws Exception {
        Semaphore signal = new Semaphore(0);
        Process producer = new Process(signal::release);
        producer.start();
        producer.join();
        Process consumer = new Process(signal::acquire);
        consumer.start();
        consumer.join();
        assertThat(consumer.exitCode()).hasValue(0);
        assertThat(signal.value()).as("the consumer's permit is consumed, not given back").isZero();
        assertThat(signal.acquire(Duration.ofMillis(200))).isFalse();
    }

    @Test
    void aBoundedSemaphoreNeverExceedsItsBoundNorAdmitsTwoHolders() throws Exception {
        BoundedSemaphore one = new BoundedSemaphore(1);
        String held = dir.resolve("held").toString();
        Process crashing = new Process(() -> {
            one.acquire();
            Gate.open(held);
            Thread.sleep(Long.MAX_VALUE);
        });
        crashing.start();
        Gate.await(held);
        one.release(); // on the holder's behalf, as Python allows
        assertThat(one.acquire(false)).isTrue(); // this process holds it now
        crashing.kill();
        crashing.join();
        assertThat(one.value()).as("the dead holder's permit was released for it already").isZero();
        assertThat(one.acquire(Duration.ofMillis(200))).as("a second holder").isFalse();
        one.release();
        assertThat(one.value()).isEqualTo(1);

        Process orderly = new Process(one::acquire);
        orderly.start();
        orderly.join();
        one.release();
        assertThat(one.value()).isEqualTo(1);
        assertThat(one.acquire(false)).isTrue();
        assertThat(one.acquire(false)).isFalse();
    }
}
