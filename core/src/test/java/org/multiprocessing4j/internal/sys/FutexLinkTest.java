package org.multiprocessing4j.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.SharedInt;
import org.multiprocessing4j.SharedLong;
import org.multiprocessing4j.Value;

/**
 * The futex call is linked where it will be used: at once by a process that makes shared memory or
 * attaches a queue, a pipe or a pool's rings, and otherwise at its first wait or wake, which a
 * child that only sets a value never makes (the link generates classes that a fresh JVM pays for).
 */
@Timeout(60)
class FutexLinkTest {
    private static final int NOT_REPORTED = -1;

    @Test
    void aProcessThatMakesSharedMemoryStartsLinking() {
        Value.ofLong(0);

        assertThat(Futex.linkStarted()).isTrue();
    }

    @Test
    void aChildThatIsGivenAQueueStartsLinkingBeforeItsFirstPutWakesAnyone() throws InterruptedException {
        Queue<Integer> queue = new Queue<>();
        SharedInt childLinked = Value.ofInt(NOT_REPORTED);
        Process child = new Process(() -> {
            childLinked.set(Futex.linkStarted() ? 1 : 0);
            queue.put(1);
        });

        child.start();
        assertThat(queue.take()).isEqualTo(1);
        child.join();

        assertThat(child.exitCode()).hasValue(0);
        assertThat(childLinked.get()).isOne();
    }

    @Test
    void aChildThatOnlySetsAValueNeverLinks() throws InterruptedException {
        SharedLong value = Value.ofLong(0);
        SharedInt childLinked = Value.ofInt(NOT_REPORTED);
        Process child = new Process(() -> {
            value.set(42);
            childLinked.set(Futex.linkStarted() ? 1 : 0);
        });

        child.start();
        child.join();

        assertThat(child.exitCode()).hasValue(0);
        assertThat(value.get()).isEqualTo(42);
        assertThat(childLinked.get()).isZero();
    }
}
