package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.Gate;
import org.multiprocessing4j.testing.Scratch;

/** Python's barrier scenarios, with N = 3 parties: the main thread, a child process, a thread. */
@Timeout(120)
class BarrierTest {
    private static final int N = 3;

    @TempDir
    Path dir;

    /** Runs {@code party} in one child process and in N - 2 threads; the caller is the last party. */
    private static List<Object> startParties(org.multiprocessing4j.function.SerializableRunnable party) {
        List<Object> started = new ArrayList<>();
        Process p = new Process(party);
        p.start();
        started.add(p);
        for (int i = 0; i < N - 2; i++) {
            CompletableFuture<Void> thread = CompletableFuture.runAsync(() -> {
                try {
                    party.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            started.add(thread);
        }
        return started;
    }

    private static void joinAll(List<Object> started) throws Exception {
        for (Object o : started) {
            if (o instanceof Process p) {
                p.join();
                assertThat(p.exitCode()).hasValue(0);
            } else {
                ((CompletableFuture<?>) o).get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void partiesPassTogetherGenerationAfterGenerationAndExactlyOneGetsIndexZero() throws Exception {
        Barrier barrier = new Barrier(N);
        SharedIntArray zeros = Array.ofInts(10);
        List<Object> parties = startParties(() -> {
            for (int pass = 0; pass < 10; pass++) {
                if (barrier.await() == 0) {
                    zeros.addAndGet(pass, 1);
                }
            }
        });
        for (int pass = 0; pass < 10; pass++) {
            if (barrier.await() == 0) {
                zeros.addAndGet(pass, 1);
            }
        }
        joinAll(parties);
        assertThat(zeros.toArray()).containsOnly(1);
        assertThat(barrier.nWaiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void theActionRunsOncePerGenerationBeforeAnyoneIsReleased() throws Exception {
        SharedInt actions = Value.ofInt(0);
        Barrier barrier = new Barrier(N, () -> actions.addAndGet(1));
        SharedIntArray seen = Array.ofInts(N);
        List<Object> parties = startParties(() -> {
            barrier.await();
            seen.set(actions.get() == 1 ? 0 : 1, 1);
        });
        barrier.await();
        joinAll(parties);
        assertThat(actions.get()).isEqualTo(1);
        assertThat(seen.get(1)).as("someone was released before the action ran").isZero();
    }

    /**
     * Starts the other parties, each counting in {@code broken} a BrokenBarrierException from its
     * first await and then running {@code after}; returns once they all wait.
     */
    private static List<Object> startBreakableParties(Barrier barrier, SharedInt broken,
            org.multiprocessing4j.function.SerializableRunnable after) throws InterruptedException {
        List<Object> parties = startParties(() -> {
            try {
                barrier.await();
            } catch (BrokenBarrierException e) {
                broken.addAndGet(1);
            }
            after.run();
        });
        while (barrier.nWaiting() < N - 1) {
            Thread.sleep(5);
        }
        return parties;
    }

    @Test
    void abortBreaksTheBarrierForEveryWaiter() throws Exception {
        Barrier barrier = new Barrier(N);
        SharedInt broken = Value.ofInt(0);
        List<Object> parties = startBreakableParties(barrier, broken, () -> { });
        barrier.abort();
        joinAll(parties);
        assertThat(broken.get()).isEqualTo(N - 1);
        assertThat(barrier.isBroken()).isTrue();
        assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class);
    }

    @Test
    void resetBreaksTheCurrentWaitersThenTheBarrierWorksAgain() throws Exception {
        Barrier barrier = new Barrier(N);
        SharedInt broken = Value.ofInt(0);
        List<Object> parties = startBreakableParties(barrier, broken, barrier::await);
        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
        barrier.await(Duration.ofSeconds(30));
        joinAll(parties);
        assertThat(broken.get()).isEqualTo(N - 1);
    }

    @Test
    void aTimeoutBreaksTheBarrierForAll() throws Exception {
        Barrier barrier = new Barrier(N, null, Duration.ofMillis(300));
        SharedInt broken = Value.ofInt(0);
        List<Object> parties = startParties(() -> {
            try {
                barrier.await();
            } catch (BrokenBarrierException e) {
                broken.addAndGet(1);
            }
        });
        joinAll(parties); // the main thread never arrives
        assertThat(broken.get()).isEqualTo(N - 1);
        assertThat(barrier.isBroken()).isTrue();
    }

    @Test
    void aBarrierOfOneNeverBlocks() throws Exception {
        Barrier barrier = new Barrier(1);
        assertThat(barrier.await()).isZero();
        assertThat(barrier.await()).isZero();
        assertThatThrownBy(() -> new Barrier(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyPassesKeepEveryPartyInStep() throws Exception {
        // Python's test_thousand, smaller: every party records each pass under a lock; no party
        // may record pass i + 1 before all have recorded pass i.
        int passes = 200;
        Barrier barrier = new Barrier(N);
        Lock lock = new Lock();
        String log = dir.resolve("log").toString();
        List<Object> parties = startParties(() -> {
            for (int i = 0; i < passes; i++) {
                barrier.await();
                try (Held held = lock.hold()) {
                    Scratch.appendLine(log, Integer.toString(i));
                }
            }
        });
        for (int i = 0; i < passes; i++) {
            barrier.await();
            try (Held held = lock.hold()) {
                Scratch.appendLine(log, Integer.toString(i));
            }
        }
        joinAll(parties);
        List<String> lines = Scratch.lines(log);
        assertThat(lines).hasSize(N * passes);
        for (int i = 0; i < passes; i++) {
            assertThat(lines.subList(i * N, (i + 1) * N)).containsOnly(Integer.toString(i));
        }
    }

    @Test
    void theOtherPartiesGetBrokenBarrierWhenTheProcessRunningTheActionIsKilled() throws Exception {
        String actionRunning = dir.resolve("action-running").toString();
        Barrier barrier = new Barrier(3, () -> {
            Gate.open(actionRunning);
            Thread.sleep(Long.MAX_VALUE);
        });
        SharedLong broken = Value.ofLong(0);
        SharedLong entered = Value.ofLong(0);
        List<Process> waiters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Process waiter = new Process(() -> {
                entered.addAndGet(1);
                try {
                    barrier.await();
                } catch (BrokenBarrierException e) {
                    broken.addAndGet(1);
                }
            });
            waiter.start();
            waiters.add(waiter);
        }
        while (barrier.nWaiting() < 2) {
            Thread.onSpinWait();
        }
        Process last = new Process(barrier::await);
        last.start();
        Gate.await(actionRunning);
        last.kill();
        for (Process waiter : waiters) {
            assertThat(waiter.join(Duration.ofSeconds(30))).as("a waiter must not wait for ever").isTrue();
        }
        assertThat(broken.get()).isEqualTo(2);
        assertThat(barrier.isBroken()).isTrue();
        assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class);
        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
    }
}
