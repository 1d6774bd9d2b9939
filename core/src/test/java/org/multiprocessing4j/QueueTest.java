package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multiprocessing4j.testing.Elapsed.NOT_FOR_EVER_MILLIS;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.Gate;

/** Python's _TestQueue scenarios, and the reliability points Python's queues miss. */
@Timeout(120)
class QueueTest {
    /** What tells a worker to stop: a Queue holds no null, Python's usual sentinel. */
    private static final int STOP = -1;

    @TempDir
    Path dir;

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aBoundedQueueFillsAndEveryPutVariantBehaves() throws Exception {
        Queue<Integer> q = new Queue<>(6);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.isFull()).isFalse();
        q.put(1);
        assertThat(q.offer(2)).isTrue();
        assertThat(q.offer(3, 1, TimeUnit.SECONDS)).isTrue();
        q.add(4);
        q.put(5);
        q.put(6);
        assertThat(q.isFull()).isTrue();
        assertThat(q.remainingCapacity()).isZero();
        assertThat(q.offer(7)).isFalse();
        assertThatThrownBy(() -> q.add(7)).isInstanceOf(IllegalStateException.class);
        long start = System.nanoTime();
        assertThat(q.offer(7, 200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(200L).isLessThan(NOT_FOR_EVER_MILLIS);

        Event go = new Event();
        Process drainer = new Process(() -> {
            go.await();
            for (int i = 0; i < 6; i++) {
                q.take();
            }
        });
        drainer.start();
        go.set();
        drainer.join();
        assertThat(drainer.exitCode()).hasValue(0);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void itemsPutByAChildAreTakenInOrderWithEveryGetVariant() throws Exception {
        Queue<Integer> q = new Queue<>();
        Process p = new Process(() -> {
            for (int i = 2; i <= 5; i++) {
                q.put(i);
            }
        });
        p.start();
        assertThat(q.take()).isEqualTo(2);
        assertThat(q.poll(30, TimeUnit.SECONDS)).isEqualTo(3);
        p.join();
        assertThat(q.peek()).isEqualTo(4);
        assertThat(q.poll()).isEqualTo(4);
        assertThat(q.remove()).isEqualTo(5);
        assertThat(q.poll()).isNull();
        long start = System.nanoTime();
        assertThat(q.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(200L).isLessThan(NOT_FOR_EVER_MILLIS);
    }

    @Test
    void itemsOfTheParentThenOfAChildComeInOrder() throws Exception {
        // Python's test_fork
        Queue<Integer> q = new Queue<>();
        for (int i = 0; i < 10; i++) {
            q.put(i);
        }
        Process p = new Process(() -> {
            for (int i = 10; i < 20; i++) {
                q.put(i);
            }
        });
        p.start();
        p.join();
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            got.add(q.take());
        }
        assertThat(got).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
        assertThat(q.poll()).isNull();
    }

    @Test
    void sizeCountsItems() throws Exception {
        Queue<String> q = new Queue<>();
        assertThat(q.size()).isZero();
        q.put("a");
        assertThat(q.size()).isEqualTo(1);
        q.put("b");
        assertThat(q.size()).isEqualTo(2);
        q.take();
        assertThat(q.size()).isEqualTo(1);
        q.take();
        assertThat(q.size()).isZero();
    }

    @Test
    void joinReturnsOnceWorkersHaveMarkedEveryItemDone() throws Exception {
        JoinableQueue<Integer> q = new JoinableQueue<>();
        SharedLong sum = Value.ofLong(0);
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Process p = new Process(() -> {
                for (int item; (item = q.take()) != STOP; ) {
                    sum.addAndGet(item);
                    q.taskDone();
                }
                q.taskDone();
            });
            p.start();
            workers.add(p);
        }
        for (int i = 1; i <= 10; i++) {
            q.put(i);
        }
        q.join();
        assertThat(sum.get()).isEqualTo(55);
        for (int w = 0; w < workers.size(); w++) {
            q.put(STOP);
        }
        for (Process p : workers) {
            p.join();
            assertThat(p.exitCode()).hasValue(0);
        }
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessage("task_done() called too many times");
    }

    @Test
    void aClosedQueueRefusesPutAndTakeInThisProcess() throws Exception {
        Queue<Integer> q = new Queue<>();
        q.put(1);
        q.close();
        q.close();
        assertThatThrownBy(() -> q.put(2)).isInstanceOf(IllegalStateException.class).hasMessage("Queue is closed");
        assertThatThrownBy(q::take).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void commonTypesAndSerializableObjectsRoundTrip() throws Exception {
        Queue<Object> q = new Queue<>();
        List<Object> items = Arrays.asList(1, 2L, 2.25, 1.5f, (short) 3, (byte) 4, 'c', true, "héllo",
                new byte[] {1, 2}, new int[] {3, 4}, new long[] {5}, new double[] {6.5}, List.of(1, "x"),
                Map.of("k", 1L << 34));
        Process p = new Process(() -> {
            for (Object item : items) {
                q.put(item);
            }
        });
        p.start();
        p.join();
        for (Object expected : items) {
            Object got = q.take();
            if (expected != null && expected.getClass().isArray()) {
                assertThat(got).isInstanceOf(expected.getClass());
                assertThat(Arrays.deepEquals(new Object[] {got}, new Object[] {expected})).isTrue();
            } else {
                assertThat(got).isEqualTo(expected);
            }
        }
    }

    @Test
    void anItemThatCannotBeSerializedFailsInPutNamingItsClassAndTheQueueStaysUsable() throws Exception {
        Queue<Object> q = new Queue<>();
        q.put("before");
        assertThatThrownBy(() -> q.put(new Thread(() -> { })))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Thread");
        q.put("after");
        assertThat(q.take()).isEqualTo("before");
        assertThat(q.take()).isEqualTo("after");
        assertThat(q.size()).isZero();
    }

    @Test
    void aProducerThatPutsAndExitsNeitherHangsNorLosesItsItems() throws Exception {
        Queue<Integer> q = new Queue<>();
        int n = 20_000;
        Process producer = new Process(() -> {
            for (int i = 0; i < n; i++) {
                q.put(i);
            }
        });
        producer.start();
        assertThat(producer.join(Duration.ofSeconds(60))).as("the producer exits without a consumer").isTrue();
        assertThat(producer.exitCode()).hasValue(0);
        for (int i = 0; i < n; i++) {
            assertThat(q.take()).isEqualTo(i);
        }
        assertThat(q.poll()).isNull();
    }

    @Test
    void aConsumerKilledWhileTakingDoesNotCorruptTheQueue() throws Exception {
        Queue<Integer> q = new Queue<>();
        int n = 200_000;
        SharedIntArray taken = Array.ofInts(n);
        String started = dir.resolve("started").toString();
        Process consumer = new Process(() -> {
            Gate.open(started);
            while (true) {
                taken.addAndGet(q.take(), 1);
            }
        });
        consumer.start();
        Gate.await(started);
        int[] drained = new int[n];
        for (int i = 0; i < n; i++) {
            while (!q.offer(i, 10, TimeUnit.MILLISECONDS)) {
                // The ring is full and the consumer may be dead: make room.
                for (Integer item; (item = q.poll()) != null; ) {
                    drained[item]++;
                }
            }
            if (i == n / 2) {
                consumer.kill(); // in the middle of the stream, likely in the middle of a take
            }
        }
        consumer.join();
        int[] counts = taken.toArray();
        for (Integer item; (item = q.poll()) != null; ) {
            counts[item]++;
        }
        for (int i = 0; i < n; i++) {
            counts[i] += drained[i];
        }
        int missing = 0;
        for (int i = 0; i < n; i++) {
            assertThat(counts[i]).as("item %d", i).isLessThanOrEqualTo(1);
            missing += counts[i] == 0 ? 1 : 0;
        }
        assertThat(missing).as("at most the item the consumer died holding").isLessThanOrEqualTo(1);
    }

    @Test
    void itemsLargerThanTheRingGoThroughIntactAndInOrder() throws Exception {
        Queue<Object> q = new Queue<>();
        byte[] big = new byte[3 * Queue.DEFAULT_CAPACITY];
        new java.util.Random(1).nextBytes(big);
        Process p = new Process(() -> {
            q.put("first");
            q.put(big);
            q.put("last");
        });
        p.start();
        assertThat(q.take()).isEqualTo("first");
        assertThat((byte[]) q.take()).isEqualTo(big);
        assertThat(q.take()).isEqualTo("last");
        p.join();
    }

    @Test
    void aSimpleQueueIsEmptyUntilAChildPuts() throws Exception {
        SimpleQueue<String> q = new SimpleQueue<>();
        assertThat(q.isEmpty()).isTrue();
        Process p = new Process(() -> {
            q.put("x");
            q.put("y");
        });
        p.start();
        p.join();
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.take()).isEqualTo("x");
        assertThat(q.take()).isEqualTo("y");
        assertThat(q.isEmpty()).isTrue();
        q.close();
        q.close();
    }

    @Test
    void drainToMovesWhatIsThere() throws Exception {
        Queue<Integer> q = new Queue<>();
        for (int i = 0; i < 5; i++) {
            q.put(i);
        }
        List<Integer> sink = new ArrayList<>();
        assertThat(q.drainTo(sink, 3)).isEqualTo(3);
        assertThat(q.drainTo(sink)).isEqualTo(2);
        assertThat(sink).containsExactly(0, 1, 2, 3, 4);
        assertThat(q.iterator().hasNext()).isFalse();
    }
}
