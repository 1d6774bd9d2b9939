package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multiprocessing4j.testing.Elapsed.NOT_FOR_EVER_MILLIS;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Python's _TestCondition scenarios, waiters in child processes and in threads. */
@Timeout(120)
class ConditionTest {
    /** A waiter: counts itself sleeping, waits for a signal, counts itself woken. */
    static void sleeper(Condition cond, SharedInt sleeping, SharedInt woken, Duration timeout) throws Exception {
        try (Held held = cond.hold()) {
            sleeping.addAndGet(1);
            if (cond.await(timeout)) {
                woken.addAndGet(1);
            }
        }
    }

    private static void awaitValue(SharedInt value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (value.get() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + ", still " + value.get());
            }
            Thread.sleep(5);
        }
    }

    /** Starts {@code processes} child waiters and {@code threads} thread waiters. */
    private static List<Object> startSleepers(Condition cond, SharedInt sleeping, SharedInt woken,
            int processes, int threads, Duration timeout) {
        List<Object> started = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            Process p = new Process(() -> sleeper(cond, sleeping, woken, timeout));
            p.setDaemon(true);
            p.start();
            started.add(p);
        }
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    sleeper(cond, sleeping, woken, timeout);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            started.add(t);
        }
        return started;
    }

    private static void joinAll(List<Object> started) throws InterruptedException {
        for (Object o : started) {
            if (o instanceof Process p) {
                p.join();
                assertThat(p.exitCode()).hasValue(0);
            } else {
                ((Thread) o).join();
            }
        }
    }

    @Test
    void eachSignalWakesExactlyOneWaiter() throws Exception {
        Condition cond = new Condition();
        SharedInt sleeping = Value.ofInt(0);
        SharedInt woken = Value.ofInt(0);
        List<Object> sleepers = startSleepers(cond, sleeping, woken, 1, 1, null);
        awaitValue(sleeping, 2);
        assertThat(woken.get()).isZero();
        try (Held held = cond.hold()) {
            cond.signal();
        }
        awaitValue(woken, 1);
        Thread.sleep(100); // and no second waiter follows
        assertThat(woken.get()).isEqualTo(1);
        try (Held held = cond.hold()) {
            cond.signal();
        }
        awaitValue(woken, 2);
        joinAll(sleepers);
    }

    @Test
    void timedOutWaitersLeaveThenSignalAllWakesEveryone() throws Exception {
        Condition cond = new Condition();
        SharedInt sleeping = Value.ofInt(0);
        SharedInt woken = Value.ofInt(0);
        joinAll(startSleepers(cond, sleeping, woken, 2, 2, Duration.ofMillis(200)));
        assertThat(sleeping.get()).isEqualTo(4);
        assertThat(woken.get()).isZero();

        sleeping.set(0);
        List<Object> sleepers = startSleepers(cond, sleeping, woken, 2, 2, null);
        awaitValue(sleeping, 4);
        try (Held held = cond.hold()) {
            cond.signalAll();
        }
        awaitValue(woken, 4);
        joinAll(sleepers);
    }

    @Test
    void signalNWakesN() throws Exception {
        Condition cond = new Condition();
        SharedInt sleeping = Value.ofInt(0);
        SharedInt woken = Value.ofInt(0);
        List<Object> sleepers = startSleepers(cond, sleeping, woken, 2, 4, null);
        awaitValue(sleeping, 6);
        try (Held held = cond.hold()) {
            cond.signal(2);
        }
        awaitValue(woken, 2);
        try (Held held = cond.hold()) {
            cond.signal(4);
        }
        awaitValue(woken, 6);
        try (Held held = cond.hold()) {
            cond.signal(3); // nobody is waiting: no effect
        }
        joinAll(sleepers);
        assertThat(woken.get()).isEqualTo(6);
    }

    @Test
    void awaitTimesOutAndReturnsFalse() throws Exception {
        Condition cond = new Condition();
        try (Held held = cond.hold()) {
            long start = System.nanoTime();
            assertThat(cond.await(Duration.ofMillis(100))).isFalse();
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(100L).isLessThan(NOT_FOR_EVER_MILLIS);
            assertThat(cond.lock().isHeldByCurrentThread()).isTrue();
        }
    }

    @Test
    void awaitUntilAPredicateOnASharedValue() throws Exception {
        Condition cond = new Condition();
        SharedInt state = Value.ofInt(0);
        Process p = new Process(() -> {
            try (Held held = cond.hold()) {
                if (!cond.awaitUntil(() -> state.get() == 4, Duration.ofSeconds(30))) {
                    System.exit(2);
                }
            }
        });
        p.start();
        for (int i = 0; i < 4; i++) {
            Thread.sleep(20);
            try (Held held = cond.hold()) {
                state.addAndGet(1);
                cond.signal();
            }
        }
        p.join();
        assertThat(p.exitCode()).hasValue(0);

        try (Held held = cond.hold()) {
            long start = System.nanoTime();
            assertThat(cond.awaitUntil(() -> false, Duration.ofMillis(100))).isFalse();
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(100L);
        }
    }

    @Test
    void awaitAndSignalNeedTheLock() throws Exception {
        Condition cond = new Condition();
        assertThatThrownBy(cond::await).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessage("must acquire() condition before using wait()");
        assertThatThrownBy(cond::signal).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessage("lock is not owned");
    }

    @Test
    void anRLockHeldSeveralTimesIsReleasedFullyWhileWaitingAndTakenBackAsOften() throws Exception {
        RLock lock = new RLock();
        Condition cond = new Condition(lock);
        lock.acquire();
        lock.acquire();
        Process p = new Process(() -> {
            try (Held held = cond.hold()) {
                cond.signal();
            }
        });
        p.start();
        assertThat(cond.await(Duration.ofSeconds(30))).isTrue();
        assertThat(lock.holdCount()).isEqualTo(2);
        lock.release();
        lock.release();
        p.join();
    }

    @Test
    void itIsAJavaUtilConcurrentCondition() throws Exception {
        RLock lock = new RLock();
        java.util.concurrent.locks.Condition cond = lock.newCondition();
        lock.lock();
        try {
            assertThat(cond.await(10, java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();
            assertThat(cond.awaitNanos(1_000_000)).isLessThanOrEqualTo(0);
        } finally {
            lock.unlock();
        }
    }

    /** A child that waits on {@code condition} once it has counted itself in {@code entered}. */
    private static Process waiter(Condition condition, SharedLong entered, SharedLong passed) {
        return new Process(() -> {
            try (Held held = condition.hold()) {
                entered.addAndGet(1);
                if (condition.await(Duration.ofSeconds(60))) {
                    passed.addAndGet(1);
                }
            }
        });
    }

    /** Returns once {@code count} waiters have counted themselves and released the lock in await. */
    private static void awaitWaiters(Condition condition, SharedLong entered, long count) throws Exception {
        while (entered.get() < count) {
            Thread.onSpinWait();
        }
        condition.acquire(); // free again only once the last of them is inside await
        condition.release();
    }

    @Test
    void aWaiterKilledInsideAwaitCountsForNothingAndOneSignalLetsOneWaiterThrough() throws Exception {
        Condition condition = new Condition();
        SharedLong entered = Value.ofLong(0);
        SharedLong passed = Value.ofLong(0);
        Process doomed = waiter(condition, entered, passed);
        doomed.start();
        awaitWaiters(condition, entered, 1);
        doomed.kill();
        doomed.join();
        try (Held held = condition.hold()) {
            condition.signal(); // nobody alive waits: no token may be left for later waiters
        }
        SharedLong firstPassed = Value.ofLong(0);
        Process first = waiter(condition, entered, firstPassed);
        Process second = waiter(condition, entered, passed);
        first.start();
        second.start();
        awaitWaiters(condition, entered, 3);
        try (Held held = condition.hold()) {
            condition.signal();
        }
        while (firstPassed.get() + passed.get() < 1) {
            Thread.onSpinWait();
        }
        Process stillWaiting = firstPassed.get() == 1 ? second : first;
        assertThat(stillWaiting.join(Duration.ofMillis(300))).as("one signal lets one waiter through").isFalse();
        assertThat(firstPassed.get() + passed.get()).isEqualTo(1);
        try (Held held = condition.hold()) {
            condition.signal();
        }
        first.join();
        second.join();
        assertThat(firstPassed.get() + passed.get()).isEqualTo(2);
    }
}
