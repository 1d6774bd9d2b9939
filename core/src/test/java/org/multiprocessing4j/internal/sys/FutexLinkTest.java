package org.multiprocessing4j.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.SharedInt;
import org.multiprocessing4j.SharedLong;
import org.multiprocessing4j.SharedMemory;
import org.multiprocessing4j.Value;

/**
 * The futex call is linked where it will be used: at once by a process that makes shared memory or
 * attaches a queue, a pipe or a pool's rings, and otherwise at its first wait or wake, which a
 * child that only sets a value never makes (the link generates classes that a fresh JVM pays for).
 * A wake made meanwhile is handed to the linking thread, and made before the JVM ends.
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

    @Test
    void aWakeHandedToTheLinkingThreadIsMadeBeforeTheChildEnds() throws InterruptedException {
        Futex.link(); // so that this process sleeps in the kernel, where only a wake ends the wait
        try (SharedMemory block = SharedMemory.create(Integer.BYTES)) {
            // Its first wake starts the link in the child, which ends long before the link does.
            Process child = new Process(() -> {
                block.segment().set(ValueLayout.JAVA_INT, 0, 1);
                Futex.wake(block.segment(), 1);
            });

            child.start();
            // Asleep before the child's JVM is up; unwoken, it sleeps out the whole wait.
            Futex.Wake wake = Futex.await(block.segment(), 0, LONGER_THAN_ANY_CHILD_START);
            child.join();

            assertThat(wake).isIn(Futex.Wake.WOKEN, Futex.Wake.VALUE_CHANGED);
            assertThat(child.exitCode()).hasValue(0);
            block.unlink();
        }
    }

    private static final Duration LONGER_THAN_ANY_CHILD_START = Duration.ofSeconds(30);
}
