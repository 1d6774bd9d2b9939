package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.Gate;
import org.multiprocessing4j.testing.Interrupts;

/** Python's _TestLock scenarios, across processes, plus what Python lacks: recovery from a dead owner. */
@Timeout(60)
class LockTest {
    @TempDir
    Path dir;

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void lockAcquireReleaseAndReleaseTwice() throws Exception {
        Lock lock = new Lock();
        lock.acquire();
        assertThat(lock.acquire(false)).isFalse();
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class)
                .hasMessage("semaphore or lock released too many times");
        try (Held held = lock.hold()) {
            assertThat(lock.tryLock()).isFalse();
        }
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void rlockIsReentrantAndOnlyItsOwnerReleasesIt() throws Exception {
        RLock lock = new RLock();
        lock.acquire();
        assertThat(lock.acquire(false)).isTrue();
        lock.acquire();
        assertThat(lock.holdCount()).isEqualTo(3);
        CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
            try {
                lock.release();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(other.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalMonitorStateException.class);
        lock.release();
        lock.release();
        lock.release();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessage("attempt to release recursive lock not owned by thread");
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void aLockHeldByAChildKeepsTheParentOutUntilItIsReleased() throws Exception {
        Lock lock = new Lock();
        String held = file("held");
        String go = file("go");
        Process p = new Process(() -> {
            lock.acquire();
            Gate.open(held);
            Gate.await(go);
            lock.release();
        });
        p.start();
        Gate.await(held);
        assertThat(lock.acquire(false)).isFalse();
        assertThat(lock.acquire(Duration.ofMillis(100))).isFalse();
        Gate.open(go);
        assertThat(lock.acquire(Duration.ofSeconds(30))).isTrue();
        assertThat(lock.previousOwnerDied()).isFalse();
        lock.release();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
    }

    @Test
    void anyProcessMayReleaseALock() throws Exception {
        Lock lock = new Lock();
        lock.acquire();
        Process p = new Process(lock::release);
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(lock.acquire(Duration.ofSeconds(5))).isTrue();
        lock.release();
    }

    @Test
    void twoProcessesIncrementingUnderTheLockLoseNoUpdate() throws Exception {
        Lock lock = new Lock();
        SharedLong counter = Value.ofLong(0);
        int n = 20_000;
        Process[] workers = new Process[2];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Process(() -> {
                for (int i = 0; i < n; i++) {
                    lock.acquire();
                    counter.set(counter.get() + 1); // not atomic: only the lock makes it safe
                    lock.release();
                }
            });
            workers[w].start();
        }
        for (Process w : workers) {
            w.join();
            assertThat(w.exitCode()).hasValue(0);
        }
        assertThat(counter.get()).isEqualTo(2L * n);
    }

    @Test
    void aTimedAcquireGivesUpOnTime() throws Exception {
        Lock lock = new Lock();
        lock.acquire();
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                assertThat(lock.acquire(Duration.ofMillis(200))).isFalse();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return (System.nanoTime() - start) / 1_000_000;
        });
        assertThat(waited.get(10, TimeUnit.SECONDS)).isBetween(200L, 260L);
        assertThat(lock.acquire(Duration.ZERO)).isFalse();
        assertThat(lock.acquire(Duration.ofMillis(-5))).isFalse();
        lock.release();
    }

    @Test
    void interruptingAWaiterThrowsAndLeavesTheLockConsistent() throws Exception {
        Lock lock = new Lock();
        lock.acquire();
        assertThat(Interrupts.whileBlocked(lock::acquire)).isInstanceOf(InterruptedException.class);
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.acquire(Duration.ofSeconds(1))).isTrue();
        lock.release();
    }

    @Test
    void aLockHeldByAKilledProcessIsTakenOverWithinASecond() throws Exception {
        Lock lock = new Lock();
        String held = file("held");
        Process p = new Process(() -> {
            lock.acquire();
            Gate.open(held);
            Thread.sleep(Long.MAX_VALUE);
        });
        p.start();
        Gate.await(held);
        p.kill();
        p.join();
        long start = System.nanoTime();
        assertThat(lock.acquire(Duration.ofSeconds(5))).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
        assertThat(lock.previousOwnerDied()).isTrue();
        lock.release();
        assertThat(lock.previousOwnerDied()).isFalse();
    }

    @Test
    void evenATryLockTakesOverTheLockOfADeadProcess() throws Exception {
        Lock lock = new Lock();
        Process p = new Process(() -> {
            lock.acquire();
            Runtime.getRuntime().halt(0);
        });
        p.start();
        p.join();
        Thread.sleep(20); // past the interval between liveness checks of this handle
        assertThat(lock.tryLock()).isTrue();
        assertThat(lock.previousOwnerDied()).isTrue();
        lock.release();
    }

    @Test
    void anRLockHeldByAProcessThatExitedIsTakenOver() throws Exception {
        RLock lock = new RLock();
        Process p = new Process(() -> {
            lock.acquire();
            lock.acquire();
            Runtime.getRuntime().halt(0); // Python's os._exit with the lock held
        });
        p.start();
        p.join();
        assertThat(lock.acquire(Duration.ofSeconds(5))).isTrue();
        assertThat(lock.previousOwnerDied()).isTrue();
        assertThat(lock.holdCount()).isEqualTo(1);
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }
}
