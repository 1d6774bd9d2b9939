package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.testing.Interrupts;

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

    @Test
    void interruptingABlockedSemaphoreEventOrBarrierWaitThrows() throws Exception {
        Semaphore semaphore = new Semaphore(0);
        assertThat(Interrupts.whileBlocked(semaphore::acquire)).isInstanceOf(InterruptedException.class);
        semaphore.release();
        assertThat(semaphore.acquire(Duration.ZERO)).as("the semaphore stays consistent").isTrue();

        Event event = new Event();
        assertThat(Interrupts.whileBlocked(event::await)).isInstanceOf(InterruptedException.class);

        Barrier barrier = new Barrier(2);
        assertThat(Interrupts.whileBlocked(barrier::await)).isInstanceOf(InterruptedException.class);
        assertThat(barrier.isBroken()).isTrue();
        assertThatThrownBy(barrier::await).isInstanceOf(java.util.concurrent.BrokenBarrierException.class);
    }

    @Test
    void handlesSentThroughAQueueOrAPipeWorkInTheProcessThatReceivesThem() throws Exception {
        Queue<Object> mailbox = new Queue<>();
        Pipe pipe = Pipe.open();
        Lock lock = new Lock();
        Process child = new Process(() -> {
            Lock received = (Lock) mailbox.take();
            Connection end = (Connection) mailbox.take();
            @SuppressWarnings("unchecked")
            Queue<Integer> viaPipe = (Queue<Integer>) end.recv();
            received.release(); // the parent's lock, released here
            viaPipe.put(42);
            end.send("done");
        });
        child.start();
        lock.acquire();
        mailbox.put(lock);
        mailbox.put(pipe.second());
        Queue<Integer> numbers = new Queue<>();
        pipe.first().send(numbers);
        assertThat(lock.acquire(Duration.ofSeconds(30))).as("the child released the lock it was sent").isTrue();
        assertThat(numbers.take()).isEqualTo(42);
        assertThat(pipe.first().recv()).isEqualTo("done");
        child.join();
        assertThat(child.exitCode()).hasValue(0);
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

    @Test
    void aThreadWhoseInterruptIsSetMakesSharedObjectsAndAttachesHandlesAndKeepsItsStatus() throws Exception {
        Thread.currentThread().interrupt();
        try {
            Queue<String> queue = new Queue<>();
            Pipe pipe = Pipe.open();
            JoinableQueue<String> joinable = new JoinableQueue<>();
            assertThat(queue.offer("made")).isTrue();
            assertThat(joinable.offer("made")).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).as("the status is kept").isTrue();
            Thread.interrupted();
            pipe.first().close();
        } finally {
            Thread.interrupted();
        }
        // A handle read by an interrupted thread in another process maps its segment there.
        Queue<String> fresh = new Queue<>();
        byte[] form = javaSerialized(fresh);
        SharedInt outcome = Value.ofInt(0);
        Process child = new Process(() -> {
            Thread.currentThread().interrupt();
            @SuppressWarnings("unchecked")
            Queue<String> attached = (Queue<String>) javaDeserialized(form);
            boolean offered = attached.offer("attached");
            outcome.set(offered && Thread.currentThread().isInterrupted() ? 1 : 2);
        });
        child.start();
        child.join();
        assertThat(child.exitCode()).hasValue(0);
        assertThat(outcome.get()).as("1: attached and the status kept").isEqualTo(1);
        assertThat(fresh.poll()).isEqualTo("attached");
    }

    private static byte[] javaSerialized(Object handle) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(handle);
        }
        return bytes.toByteArray();
    }

    private static Object javaDeserialized(byte[] form) {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(form))) {
            return in.readObject();
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
