package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Handles reach children in every way a task can carry them, and blocked waits can be interrupted. */
@Timeout(60)
class HandleTransferTest {
    static class Worker extends Process {
        private final Lock lock;
        private final Semaphore done;
        private final SharedLong value;

        Worker(Lock lock, Semaphore done, SharedLong value) {
            this.lock = lock;
            this.done = done;
            this.value = value;
        }

        @Override
        public void run() {
            lock.lock();
            try {
                value.set(value.get() * 2);
            } finally {
                lock.unlock();
            }
            done.release();
        }
    }

    @Test
    void primitivesHeldInFieldsOfAProcessSubclassAreTheSameInTheChild() throws Exception {
        Lock lock = new Lock();
        Semaphore done = new Semaphore(0);
        SharedLong value = Value.ofLong(21);
        Worker worker = new Worker(lock, done, value);
        worker.start();
        assertThat(done.acquire(Duration.ofSeconds(30))).isTrue();
        worker.join();
        assertThat(value.get()).isEqualTo(42);
    }

    @Test
    void aHandlePassedOnToAGrandchildStillWorks() throws Exception {
        Event event = new Event();
        Process child = new Process(() -> {
            Process grandchild = new Process(event::set);
            grandchild.start();
            grandchild.join();
        });
        child.start();
        assertThat(event.await(Duration.ofSeconds(30))).isTrue();
        child.join();
    }

    private static Throwable interruptWhileBlocked(ThrowingRunnable blocking) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                blocking.run();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        while (t.getState() == Thread.State.NEW) {
            Thread.onSpinWait();
        }
        Thread.sleep(50); // let it block; the assertion is that the interrupt ends it
        t.interrupt();
        return outcome.get(5, TimeUnit.SECONDS);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void interruptingABlockedSemaphoreEventOrBarrierWaitThrows() throws Exception {
        Semaphore semaphore = new Semaphore(0);
        assertThat(interruptWhileBlocked(semaphore::acquire)).isInstanceOf(InterruptedException.class);
        semaphore.release();
        assertThat(semaphore.acquire(Duration.ZERO)).as("the semaphore stays consistent").isTrue();

        Event event = new Event();
        assertThat(interruptWhileBlocked(event::await)).isInstanceOf(InterruptedException.class);

        Barrier barrier = new Barrier(2);
        assertThat(interruptWhileBlocked(barrier::await)).isInstanceOf(InterruptedException.class);
        assertThat(barrier.isBroken()).isTrue();
        assertThatThrownBy(barrier::await).isInstanceOf(java.util.concurrent.BrokenBarrierException.class);
    }

    @Test
    void aConditionWaiterIsWokenByAChildProcess() throws Exception {
        Condition cond = new Condition();
        cond.acquire();
        Process p = new Process(() -> {
            try (Held held = cond.hold()) {
                cond.signal();
            }
        });
        p.start();
        assertThat(cond.await(Duration.ofSeconds(30))).isTrue();
        cond.release();
        p.join();
    }
}
