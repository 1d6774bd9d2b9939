package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.internal.pool.PoolEngine;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.testing.Scratch;

/** imap reads its input as its results are consumed; map and imap report progress at a bounded rate. */
@Timeout(120)
class PoolLazinessTest {
    @TempDir
    Path dir;

    /** Integers 0 to {@code total} - 1, counting how many were read. */
    private static Iterable<Integer> counted(long total, AtomicLong read) {
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return read.get() < total;
            }

            @Override
            public Integer next() {
                return (int) read.getAndIncrement();
            }
        };
    }

    @Test
    void imapReadsOnlyAWindowAheadOfWhatIsConsumed() throws Exception {
        try (Pool pool = new Pool(2)) {
            AtomicLong read = new AtomicLong();
            Iterator<Integer> results = pool.imap(x -> x + 1, counted(10_000_000, read));
            for (int i = 0; i < 10; i++) {
                assertThat(results.next()).isEqualTo(i + 1);
            }
            Thread.sleep(200); // time in which an eager reader would read on
            assertThat(read.get()).isLessThan(5_000);
            AtomicLong unorderedRead = new AtomicLong();
            Iterator<Integer> unordered = pool.imapUnordered(x -> x, counted(10_000_000, unorderedRead), 100);
            unordered.next();
            Thread.sleep(200);
            assertThat(unorderedRead.get()).isLessThan(20_000);
        } // closing with imaps not read to their end: they read no more, and the pool ends
    }

    @Test
    void anImapStillReadingWhenThePoolShutsDownGivesWhatItReadThenEnds() {
        Pool pool = new Pool(2);
        Iterator<Integer> results = pool.imap(x -> x, counted(1_000_000, new AtomicLong()), 10);
        assertThat(results.next()).isZero();
        pool.shutdown();
        List<Integer> rest = new ArrayList<>();
        Throwable end = org.assertj.core.api.Assertions.catchThrowable(() -> results.forEachRemaining(rest::add));
        assertThat(end).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        assertThat(rest).isNotEmpty();
        for (int i = 0; i < rest.size(); i++) {
            assertThat(rest.get(i)).isEqualTo(i + 1);
        }
        assertThat(results.hasNext()).isFalse();
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
    }

    @Test
    void tenMillionItemsGoThroughImapInASmallHeap() throws Exception {
        String out = dir.resolve("sum").toString();
        Process child = new Process(() -> {
            try (Pool pool = new Pool(2)) {
                long sum = 0;
                long count = 0;
                Iterator<Integer> results = pool.imap(x -> x & 1, counted(10_000_000, new AtomicLong()), 1000);
                while (results.hasNext()) {
                    sum += results.next();
                    count++;
                }
                Scratch.write(out, count + " " + sum);
            }
        });
        child.setJvmOptions(List.of("-Xmx40m"));
        child.start();
        child.join();
        assertThat(child.exitCode()).hasValue(0);
        assertThat(Scratch.read(out)).isEqualTo("10000000 5000000");
    }

    @Test
    void progressIsReportedAtABoundedRateAndOnceAtTheEnd() {
        try (Pool pool = new Pool(2)) {
            List<long[]> reports = new CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            List<Integer> results = pool.map(x -> {
                Thread.sleep(2);
                return x;
            }, IntStream.range(0, 400).boxed().toList(), 4, (done, total) -> reports.add(new long[] {done, total}));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(results).hasSize(400);
            assertThat(reports).isNotEmpty();
            assertThat(reports.getLast()).containsExactly(400, 400);
            assertThat(reports.size()).isLessThanOrEqualTo((int) (elapsedMillis / Pool.PROGRESS_INTERVAL.toMillis()) + 2);
            long previous = -1;
            for (long[] report : reports) {
                assertThat(report[0]).isGreaterThan(previous);
                assertThat(report[1]).isEqualTo(400);
                previous = report[0];
            }
        }
    }

    @Test
    void imapReportsProgressWithATotalOnceTheInputEnds() {
        try (Pool pool = new Pool(2)) {
            List<long[]> reports = new CopyOnWriteArrayList<>();
            List<Integer> results = new ArrayList<>();
            pool.imap(x -> x, counted(3000, new AtomicLong()), 10, (done, total) -> reports.add(new long[] {done, total}))
                    .forEachRemaining(results::add);
            assertThat(results).hasSize(3000);
            assertThat(reports.getLast()).containsExactly(3000, 3000);
            assertThat(reports.getFirst()[1]).isEqualTo(-1);
        }
    }

    @Test
    void aWorkerNeverHoldsMoreUnitsNotBegunThanItsSeatCanCancel() {
        assertThat(PoolEngine.MAX_UNITS_AHEAD).isLessThanOrEqualTo(SharedLayout.Pool.CANCELLED_SLOTS);
    }
}
