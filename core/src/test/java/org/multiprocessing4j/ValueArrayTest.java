package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Python's _TestValue and _TestArray scenarios, and atomic updates from several processes. */
@Timeout(60)
class ValueArrayTest {
    @Test
    void aChildOverwritesValuesAndTheParentSeesThem() throws Exception {
        SharedInt i = Value.ofInt(4343);
        SharedDouble d = Value.ofDouble(3.625);
        SharedLong q = Value.ofLong(1L << 33);
        assertThat(i.get()).isEqualTo(4343);
        assertThat(d.get()).isEqualTo(3.625);
        assertThat(q.get()).isEqualTo(1L << 33);
        Process p = new Process(() -> {
            i.set(24234);
            d.set(-4.25);
            q.set(1L << 34);
        });
        p.start();
        p.join();
        assertThat(i.get()).isEqualTo(24234);
        assertThat(d.get()).isEqualTo(-4.25);
        assertThat(q.get()).isEqualTo(1L << 34);
    }

    @Test
    void atomicOperations() {
        SharedLong q = Value.ofLong(5);
        assertThat(q.addAndGet(3)).isEqualTo(8);
        assertThat(q.getAndAdd(2)).isEqualTo(8);
        assertThat(q.compareAndSet(10, 1)).isTrue();
        assertThat(q.compareAndSet(10, 2)).isFalse();
        SharedDouble d = Value.ofDouble(0.5);
        assertThat(d.addAndGet(0.25)).isEqualTo(0.75);
        assertThat(d.getAndAdd(0.25)).isEqualTo(0.75);
        assertThat(d.compareAndSet(1.0, 2.0)).isTrue();
        assertThat(d.get()).isEqualTo(2.0);
    }

    @Test
    void concurrentAtomicIncrementsFromProcessesAllCount() throws Exception {
        SharedLong counter = Value.ofLong(0);
        SharedIntArray cells = Array.ofInts(4);
        int n = 50_000;
        Process[] workers = new Process[2];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Process(() -> {
                for (int k = 0; k < n; k++) {
                    counter.addAndGet(1);
                    cells.addAndGet(k % 4, 1);
                }
            });
            workers[w].start();
        }
        for (Process w : workers) {
            w.join();
        }
        assertThat(counter.get()).isEqualTo(2L * n);
        assertThat(cells.toArray()).containsOnly(2 * n / 4);
    }

    @Test
    void aChildComputesPrefixSumsInPlaceUnderTheArraysLock() throws Exception {
        SharedLongArray arr = Array.ofLongs(10);
        assertThat(arr.toArray()).containsOnly(0L);
        for (int k = 0; k < arr.length(); k++) {
            arr.set(k, k);
        }
        Process p = new Process(() -> {
            try (Held held = arr.lock().hold()) {
                for (int k = 1; k < arr.length(); k++) {
                    arr.set(k, arr.get(k) + arr.get(k - 1));
                }
            }
        });
        p.start();
        p.join();
        assertThat(arr.toArray()).containsExactly(0, 1, 3, 6, 10, 15, 21, 28, 36, 45);
        SharedDoubleArray doubles = Array.ofDoubles(new double[] {1.5, 2.5});
        assertThat(doubles.addAndGet(1, 1.0)).isEqualTo(3.5);
        assertThat(doubles.toArray()).containsExactly(1.5, 3.5);
        assertThatThrownBy(() -> arr.get(10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Array.ofLongs(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theValuesLockIsAnRLockSharedWithChildren() throws Exception {
        SharedLong v = Value.ofLong(0);
        RLock lock = v.lock();
        lock.acquire();
        Process p = new Process(() -> {
            if (v.lock().acquire(Duration.ofMillis(100))) {
                System.exit(3); // must not get the lock the parent holds
            }
        });
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        lock.release();
    }

    @Test
    void rawValuesAndArraysAreSharedLikeTheOthersAndHaveNoLock() throws Exception {
        SharedInt i = RawValue.ofInt(4343);
        SharedDouble d = RawValue.ofDouble(3.625);
        SharedLong q = RawValue.ofLong(1L << 33);
        SharedLongArray sums = RawArray.ofLongs(new long[] {0, 1, 2, 3, 4});
        SharedIntArray zeros = RawArray.ofInts(10);
        SharedDoubleArray halves = RawArray.ofDoubles(new double[] {0.5, 1.5});
        Process p = new Process(() -> {
            i.set(24234);
            d.set(-4.25);
            q.set(1L << 34);
            for (int k = 1; k < sums.length(); k++) {
                sums.set(k, sums.get(k) + sums.get(k - 1));
            }
            halves.set(1, halves.get(0) * 2);
        });
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(i.get()).isEqualTo(24234);
        assertThat(d.get()).isEqualTo(-4.25);
        assertThat(q.get()).isEqualTo(1L << 34);
        assertThat(sums.toArray()).containsExactly(0, 1, 3, 6, 10);
        assertThat(zeros.toArray()).containsOnly(0);
        assertThat(halves.toArray()).containsExactly(0.5, 1.0);
        assertThatThrownBy(q::lock).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("no lock, as Python's has no get_lock()");
        assertThatThrownBy(sums::lock).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Value.ofLong(1).lock()).isNotNull();
    }
}
