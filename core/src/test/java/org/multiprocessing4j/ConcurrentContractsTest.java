package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The java.util.concurrent contracts where the library implements their interfaces, and the small
 * promises every handle keeps: nulls, timeouts of any size, a Held released once, equal handles.
 */
@Timeout(60)
class ConcurrentContractsTest {
    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    @Test
    void aQueueRefusesNullAsEveryBlockingQueueDoes() throws Exception {
        Queue<String> queue = new Queue<>();
        assertThatThrownBy(() -> queue.put(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.offer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.offer(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.add(null)).isInstanceOf(NullPointerException.class);
        assertThat(queue.isEmpty()).isTrue();
        queue.put("kept");
        List<String> drained = new ArrayList<>();
        assertThat(queue.drainTo(drained)).isEqualTo(1);
        assertThat(drained).containsExactly("kept");
    }

    @Test
    void aThreadInterruptedOnEntryGetsInterruptedExceptionFromAFreeLocksInterruptibleAcquisitions() {
        for (java.util.concurrent.locks.Lock lock : List.of(new Lock(), new RLock())) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("the interrupt status is cleared").isFalse();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> lock.tryLock(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).isFalse();
            assertThat(lock.tryLock()).as("the lock was left free").isTrue();
            lock.unlock();
        }
    }

    @Test
    void aThreadInterruptedOnEntryGetsInterruptedExceptionFromAQueuesBlockingCallsEvenWhenTheyNeedNotWait() throws Exception {
        for (Queue<String> queue : List.of(new Queue<String>(), new JoinableQueue<String>())) {
            queue.put("waiting");
            Thread.currentThread().interrupt();
            assertThatThrownBy(queue::take).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("the interrupt status is cleared").isFalse();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> queue.poll(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> queue.put("lost")).isInstanceOf(InterruptedException.class);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> queue.offer("lost", 1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).isFalse();
            Thread.currentThread().interrupt();
            assertThat(queue.poll()).as("the non-blocking poll takes what is there").isEqualTo("waiting");
            assertThat(Thread.interrupted()).as("and leaves the interrupt status set").isTrue();
            assertThat(queue.poll()).as("nothing was added by the interrupted puts").isNull();
        }
    }

    @Test
    void aQueuesBlockingCallsRefuseANullUnitOrItemBeforeLookingAtTheInterrupt() {
        Queue<String> queue = new Queue<>();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> queue.offer(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.poll(1, null)).isInstanceOf(NullPointerException.class);
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void aLocksTimedTryLockRefusesANullUnitEvenWhenFree() {
        for (java.util.concurrent.locks.Lock lock : List.of(new Lock(), new RLock())) {
            assertThatThrownBy(() -> lock.tryLock(1, null)).isInstanceOf(NullPointerException.class);
            assertThat(lock.tryLock()).isTrue();
            lock.unlock();
        }
    }

    @Test
    void aNullTimeoutWaitsWithoutLimitAsPythonsNone() throws Exception {
        Event set = new Event();
        Pipe pipe = Pipe.open();
        Semaphore permits = new Semaphore(0);
        JoinableQueue<Integer> work = new JoinableQueue<>();
        work.put(1);
        Process child = new Process(() -> {
            pipe.second().send("sent");
            permits.release();
            work.take();
            work.taskDone();
            set.set();
        });
        child.start();
        assertThat(set.await(null)).isTrue();
        assertThat(pipe.first().poll(null)).isTrue();
        assertThat(Connection.waitAny(List.of(pipe.first()), null)).hasSize(1);
        assertThat(permits.acquire((Duration) null)).isTrue();
        assertThat(work.join(null)).isTrue();
        assertThat(child.join(null)).isTrue();
        assertThat(child.exitCode()).hasValue(0);
        assertThat(new Lock().acquire((Duration) null)).isTrue();
        assertThatThrownBy(() -> new Process(() -> { }).setJvmOptions(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("options");
    }

    @Test
    void timeoutsOfAnySizeWaitForEverInsteadOfOverflowing() throws Exception {
        Lock lock = new Lock();
        assertThat(lock.tryLock(Long.MAX_VALUE, TimeUnit.SECONDS)).isTrue();
        lock.unlock();
        assertThat(lock.tryLock(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
        lock.unlock();
        assertThat(lock.acquire(FOREVER)).isTrue();
        lock.release();
        RLock rlock = new RLock();
        assertThat(rlock.tryLock(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
        assertThat(rlock.acquire(FOREVER)).isTrue();
        rlock.release();
        rlock.unlock();

        Queue<Integer> queue = new Queue<>();
        assertThat(queue.offer(1, Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
        assertThat(queue.poll(Long.MAX_VALUE, TimeUnit.DAYS)).isEqualTo(1);
        assertThat(queue.offer(2, Long.MIN_VALUE, TimeUnit.DAYS)).isTrue();
        assertThat(queue.poll(Long.MIN_VALUE, TimeUnit.DAYS)).isEqualTo(2);
        assertThat(queue.poll(Long.MIN_VALUE, TimeUnit.DAYS)).isNull();

        Semaphore semaphore = new Semaphore(1);
        assertThat(semaphore.acquire(FOREVER)).isTrue();
        Event event = new Event();
        event.set();
        assertThat(event.await(FOREVER)).isTrue();
        assertThat(new Barrier(1).await(FOREVER)).isZero();

        Condition condition = new Condition();
        condition.acquire();
        Thread signaller = Thread.ofPlatform().start(() -> {
            condition.lock().lock();
            condition.signalAll();
            condition.lock().unlock();
        });
        assertThat(condition.await(FOREVER)).isTrue();
        signaller.join();
        signaller = Thread.ofPlatform().start(() -> {
            condition.lock().lock();
            condition.signalAll();
            condition.lock().unlock();
        });
        assertThat(condition.await(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
        signaller.join();
        signaller = Thread.ofPlatform().start(() -> {
            condition.lock().lock();
            condition.signalAll();
            condition.lock().unlock();
        });
        assertThat(condition.awaitNanos(Long.MAX_VALUE)).isPositive();
        signaller.join();
        assertThat(condition.awaitNanos(Long.MIN_VALUE)).isLessThanOrEqualTo(0);
        assertThat(condition.awaitUntil(() -> true, FOREVER)).isTrue();
        condition.release();

        Pipe pipe = Pipe.open();
        pipe.second().send("there");
        assertThat(pipe.first().poll(FOREVER)).isTrue();
        assertThat(Connection.waitAny(List.of(pipe.first()), FOREVER)).containsExactly(pipe.first());

        JoinableQueue<Integer> joinable = new JoinableQueue<>();
        assertThat(joinable.join(FOREVER)).isTrue();

        Process process = new Process(() -> { });
        process.start();
        assertThat(process.join(FOREVER)).isTrue();
        assertThat(process.exitCode()).hasValue(0);
    }

    @Test
    void aHeldIsReleasedByItsFirstCloseOnly() throws Exception {
        Lock lock = new Lock();
        Held held = lock.hold();
        held.close();
        assertThat(lock.tryLock()).isTrue(); // someone else's hold now
        held.close();
        assertThat(lock.isLocked()).as("a second close must not release another holder's lock").isTrue();
        lock.unlock();

        BoundedSemaphore semaphore = new BoundedSemaphore(1);
        Held permit = semaphore.hold();
        permit.close();
        permit.close();
        assertThat(semaphore.value()).isEqualTo(1);

        RLock rlock = new RLock();
        rlock.acquire();
        Held inner = rlock.hold();
        inner.close();
        inner.close();
        assertThat(rlock.holdCount()).isEqualTo(1);
        rlock.release();
    }

    @Test
    void handlesToTheSameSharedObjectAreEqualWithEqualHashCodes() throws Exception {
        Lock lock = new Lock();
        Queue<Integer> queue = new Queue<>();
        Pipe pipe = Pipe.open();
        SharedDoubleArray doubles = Array.ofDoubles(3);
        Queue<Object> back = new Queue<>();
        Process child = new Process(() -> {
            back.put(lock);
            back.put(queue);
            back.put(pipe.second());
            back.put(doubles);
        });
        child.start();
        List<Object> returned = List.of(back.take(), back.take(), back.take(), back.take());
        child.join();
        assertThat(returned).containsExactly(lock, queue, pipe.second(), doubles);
        assertThat(returned.get(0)).hasSameHashCodeAs(lock);
        assertThat(returned.get(1)).hasSameHashCodeAs(queue);
        assertThat(returned.get(2)).hasSameHashCodeAs(pipe.second());
        assertThat(returned.get(3)).hasSameHashCodeAs(doubles);
        assertThat(lock).isNotEqualTo(new Lock());
        assertThat(queue).isNotEqualTo(new Queue<Integer>());
        assertThat(pipe.first()).isNotEqualTo(pipe.second());
        assertThat(new Semaphore(1)).isNotEqualTo(new Semaphore(1));
    }

    @Test
    void aSharedDoubleArrayHasWhatASharedLongArrayHas() {
        SharedDoubleArray doubles = Array.ofDoubles(2);
        assertThat(doubles.toArray()).containsExactly(0.0, 0.0);
        assertThat(doubles.getAndAdd(0, 1.5)).isEqualTo(0.0);
        assertThat(doubles.addAndGet(0, 1.0)).isEqualTo(2.5);
        assertThat(doubles.compareAndSet(1, 0.0, 7.0)).isTrue();
        assertThat(doubles.compareAndSet(1, 0.0, 8.0)).isFalse();
        assertThat(doubles.compareAndSet(1, -0.0, 8.0)).as("compares bits").isFalse();
        assertThat(doubles.toArray()).containsExactly(2.5, 7.0);
        assertThat(Array.ofLongs(new long[] {4, 5}).toArray()).containsExactly(4, 5);
        assertThat(Array.ofInts(new int[] {6}).toArray()).containsExactly(6);
    }

    @Test
    void semaphoreIsOpenOnlyToBoundedSemaphore() {
        assertThat(Semaphore.class.isSealed()).isTrue();
        assertThat(Semaphore.class.getPermittedSubclasses()).containsExactly(BoundedSemaphore.class);
    }

    @Test
    void aContextOffersEveryPrimitive() throws Exception {
        Context context = Multiprocessing.getContext(StartMethod.SPAWN);
        Queue<Integer> queue = context.newQueue();
        queue.put(1);
        assertThat(context.newQueue(2).remainingCapacity()).isEqualTo(2);
        assertThat(context.newJoinableQueue().join(Duration.ZERO)).isTrue();
        assertThat(context.newJoinableQueue(1).remainingCapacity()).isEqualTo(1);
        SimpleQueue<String> simple = context.newSimpleQueue();
        assertThat(simple.isEmpty()).isTrue();
        Pipe pipe = context.newPipe();
        pipe.first().send(1);
        assertThat(pipe.second().recv()).isEqualTo(1);
        assertThat(context.newPipe(false).first().toString()).contains("read-only");
        assertThat(context.newLongValue(3).get()).isEqualTo(3);
        assertThat(context.newIntValue(4).get()).isEqualTo(4);
        assertThat(context.newDoubleValue(5.5).get()).isEqualTo(5.5);
        assertThat(context.newLongArray(2).length()).isEqualTo(2);
        assertThat(context.newIntArray(3).length()).isEqualTo(3);
        assertThat(context.newDoubleArray(new double[] {1, 2}).toArray()).containsExactly(1, 2);
    }

    @Test
    void aJoinableQueueJoinGivesUpAfterItsTimeoutWhenAConsumerDiedBeforeTaskDone() throws Exception {
        JoinableQueue<Integer> queue = new JoinableQueue<>();
        queue.put(1);
        Process consumer = new Process(() -> {
            queue.take();
            Runtime.getRuntime().halt(3); // dies before taskDone
        });
        consumer.start();
        consumer.join();
        assertThat(consumer.exitCode()).hasValue(3);
        assertThat(queue.join(Duration.ofMillis(100))).isFalse();
        queue.taskDone();
        assertThat(queue.join(Duration.ofSeconds(10))).isTrue();
    }
}
