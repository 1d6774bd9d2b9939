package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Queue as the Collection every BlockingQueue is: a weakly consistent iterator, as
 * LinkedBlockingQueue's, where Python's queue has none; and what a ring shared by processes cannot
 * do, refused by name.
 */
@Timeout(120)
class QueueIterationTest {
    /** More than a quarter of a queue's ring: such an item goes through a spill file. */
    private static final int SPILLED = 300 * 1024;

    @Test
    void anIteratorShowsTheItemsOldestFirstAndTakesNone() throws Exception {
        Queue<Object> q = new Queue<>();
        byte[] large = new byte[SPILLED];
        q.put(1);
        q.put("two");
        q.put(large);
        q.put(4.0);

        List<Object> seen = new ArrayList<>(q);
        assertThat(seen).hasSize(4);
        assertThat(seen.subList(0, 2)).containsExactly(1, "two");
        assertThat((byte[]) seen.get(2)).hasSize(SPILLED);
        assertThat(seen.get(3)).isEqualTo(4.0);
        assertThat(q.contains("two")).isTrue();
        assertThat(q.contains(null)).isFalse();
        assertThat(q.toArray()).hasSize(4);
        assertThat(q.stream().filter(String.class::isInstance)).containsExactly("two");
        assertThat(q.size()).isEqualTo(4);
        assertThat(q.take()).isEqualTo(1);
    }

    @Test
    void removingAnItemOtherThanTheHeadIsRefusedAndLeavesTheQueueAsItWas() throws Exception {
        Queue<Integer> q = new Queue<>();
        q.put(1);
        q.put(2);
        List<Consumer<Queue<Integer>>> removals = List.of(
                queue -> queue.remove(2),
                queue -> queue.removeIf(x -> x == 2),
                queue -> queue.removeAll(List.of(2)),
                queue -> queue.retainAll(List.of(1)));
        for (Consumer<Queue<Integer>> removal : removals) {
            assertThatThrownBy(() -> removal.accept(q)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("take, poll or drainTo");
        }
        Iterator<Integer> iterator = q.iterator();
        iterator.next();
        assertThatThrownBy(iterator::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(q).containsExactly(1, 2);
    }

    @Test
    void iteratingNeitherWaitsForNorHoldsUpATakerBlockedInAnotherProcess() throws Exception {
        Queue<Integer> q = new Queue<>();
        Queue<Integer> taken = new Queue<>();
        Event taking = new Event();
        Process taker = new Process(() -> {
            taking.set();
            taken.put(q.take());
        });
        taker.start();
        taking.await();
        assertThat(new ArrayList<>(q)).isEmpty();
        q.put(5);
        assertThat(taken.take()).isEqualTo(5);
        taker.join();
        assertThat(taker.exitCode()).hasValue(0);
    }

    @Test
    void aSnapshotMadeWhileOtherProcessesPutAndTakeIsAnUnbrokenRunOfWholeItems() throws Exception {
        int count = 400;
        int ahead = 50;
        Queue<byte[]> q = new Queue<>();
        Event consume = new Event();
        Process producer = new Process(() -> {
            for (int i = 0; i < count; i++) {
                q.put(item(i));
                if (i == ahead) {
                    consume.set();
                }
            }
        });
        Process consumer = new Process(() -> {
            consume.await();
            for (int i = 0; i < count; i++) {
                if (index(q.take()) != i) {
                    System.exit(3);
                }
            }
        });
        producer.start();
        consumer.start();
        consume.await();
        int largest = 0;
        while (consumer.isAlive()) {
            List<byte[]> snapshot = new ArrayList<>(q);
            for (int i = 0; i < snapshot.size(); i++) {
                assertThat(index(snapshot.get(i))).as("item %d of a snapshot", i).isEqualTo(index(snapshot.get(0)) + i);
            }
            largest = Math.max(largest, snapshot.size());
        }
        producer.join();
        consumer.join();
        assertThat(producer.exitCode()).hasValue(0);
        assertThat(consumer.exitCode()).hasValue(0);
        assertThat(largest).as("the producer was ahead when the consumer began").isPositive();
    }

    /** Item {@code i}: every other one spilled, its index first and its other bytes all {@code i}. */
    private static byte[] item(int i) {
        byte[] bytes = new byte[i % 2 == 0 ? SPILLED : 64];
        java.util.Arrays.fill(bytes, (byte) i);
        ByteBuffer.wrap(bytes).putInt(0, i);
        return bytes;
    }

    /** The index of an item, checked whole: a torn copy fails here. */
    private static int index(byte[] item) {
        int i = ByteBuffer.wrap(item).getInt(0);
        assertThat(item).hasSize(i % 2 == 0 ? SPILLED : 64);
        for (int b = Integer.BYTES; b < item.length; b++) {
            if (item[b] != (byte) i) {
                throw new AssertionError("item " + i + " is torn at byte " + b);
            }
        }
        return i;
    }
}
