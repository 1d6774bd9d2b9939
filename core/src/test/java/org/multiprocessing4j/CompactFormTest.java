package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InvalidClassException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.wire.Codec;
import org.multiprocessing4j.internal.wire.CompactForms;

/**
 * Every handle has a compact form, read back without ObjectInputStream as a handle on the same
 * shared memory; what has none falls back to Java serialization, and bytes cannot name a class to make.
 */
@Timeout(30)
class CompactFormTest {
    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        byte[] bytes = Codec.encodeCompact(value);
        assertThat(bytes).as("compact form of " + value.getClass().getSimpleName()).isNotNull();
        return (T) Codec.decode(bytes);
    }

    @Test
    void locksAndSemaphoresComeBackOnTheSameMemory() throws Exception {
        Lock lock = new Lock();
        lock.acquire();
        assertThat(roundTrip(lock).acquire(false)).isFalse();
        lock.release();

        RLock rlock = new RLock();
        assertThat(roundTrip(rlock).acquire(false)).isTrue();
        assertThat(rlock.acquire(false)).isTrue(); // same thread: reentrant on the same words
        rlock.release();
        rlock.release();

        BoundedSemaphore bounded = new BoundedSemaphore(2);
        Semaphore copy = roundTrip(bounded);
        assertThat(copy).isInstanceOf(BoundedSemaphore.class);
        copy.acquire();
        assertThat(bounded.value()).isEqualTo(1);
        copy.release();
    }

    @Test
    void eventsConditionsAndBarriersComeBackOnTheSameMemory() throws Exception {
        Event event = new Event();
        roundTrip(event).set();
        assertThat(event.isSet()).isTrue();

        Condition condition = new Condition();
        Condition conditionCopy = roundTrip(condition);
        assertThat(conditionCopy.lock().acquire(false)).isTrue();
        assertThat(condition.lock().acquire(false)).as("same thread, same RLock words").isTrue();
        condition.lock().release();
        conditionCopy.lock().release();

        Barrier barrier = new Barrier(1, () -> { }, Duration.ofMillis(1500));
        assertThat(roundTrip(barrier).await()).isZero();
    }

    @Test
    void valuesArraysQueuesAndConnectionsComeBackOnTheSameMemory() throws Exception {
        SharedLong value = Value.ofLong(5);
        roundTrip(value).set(6);
        assertThat(value.get()).isEqualTo(6);

        SharedDoubleArray array = Array.ofDoubles(new double[] {1, 2});
        SharedDoubleArray arrayCopy = roundTrip(array);
        assertThat(arrayCopy.length()).isEqualTo(2);
        arrayCopy.set(1, 3);
        assertThat(array.get(1)).isEqualTo(3);

        JoinableQueue<String> queue = new JoinableQueue<>();
        Queue<String> queueCopy = roundTrip(queue);
        assertThat(queueCopy).isInstanceOf(JoinableQueue.class);
        queueCopy.put("item");
        assertThat(queue.take()).isEqualTo("item");

        SimpleQueue<Integer> simple = new SimpleQueue<>();
        roundTrip(simple).put(7);
        assertThat(simple.take()).isEqualTo(7);

        Pipe pipe = Pipe.open(false);
        Connection sender = roundTrip(pipe.second());
        sender.send("over");
        assertThat(pipe.first().recv()).isEqualTo("over");
    }

    @Test
    void whatHoldsSomethingWithoutACompactFormHasNone() {
        List<String> notCompact = List.of("x");
        Barrier barrier = new Barrier(1, () -> notCompact.size());
        assertThat(Codec.encodeCompact(barrier)).isNull();
        assertThat(Codec.encodeCompact(new Queue<String>() { })).as("a subclass outside the library").isNull();
        assertThat(Codec.encodeCompact(List.of(1))).isNull();
    }

    @Test
    void bytesCannotNameAClassOutsideTheLibraryOrOneWithoutAForm() throws Exception {
        assertThatThrownBy(() -> CompactForms.decode(named("java.util.ArrayList")))
                .isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("outside multiprocessing4j");
        assertThatThrownBy(() -> CompactForms.decode(named(Multiprocessing.class.getName())))
                .isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("no compact form");
    }

    private static DataInputStream named(String className) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(className);
        }
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }
}
