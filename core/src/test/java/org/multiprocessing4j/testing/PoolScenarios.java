package org.multiprocessing4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.AbstractPool;
import org.multiprocessing4j.MaybeEncodingException;
import org.multiprocessing4j.ProcessPoolException;

/**
 * CPython's {@code _TestPool} scenarios that every kind of pool passes, the local {@code Pool} and
 * the cluster's {@code ClusterPool}: a test class extends this one and gives its pool, which
 * serves every scenario and must have at least two workers.
 */
public abstract class PoolScenarios {
    /**
     * The pool the scenarios use.
     *
     * @return a running pool of two workers or more
     */
    protected abstract AbstractPool pool();

    public static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    public static int square(int x) {
        return x * x;
    }

    /** Python's {@code SayWhenError}: what a test's input throws, on purpose. */
    public static final class SayWhen extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SayWhen() {
            super("Somebody said when");
        }
    }

    /** Python's {@code exception_throwing_generator}: items 0, 1, 2, ... until it throws at {@code when}. */
    public static Iterable<Integer> throwingAt(int total, int when) {
        return () -> new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < total;
            }

            @Override
            public Integer next() {
                if (next == when) {
                    throw new SayWhen();
                }
                return next++;
            }
        };
    }

    /** An exception that Java serialization refuses: it holds a plain object. */
    public static final class Unsendable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings({"unused", "serial"})
        private final Object payload = new Object();

        public Unsendable(String message) {
            super(message);
        }
    }

    @Test
    void applyMapAndStarmapMatchTheSerialComputation() throws Exception {
        assertThat(pool().apply(() -> square(5))).isEqualTo(25);
        assertThat(pool().map(PoolScenarios::square, range(10))).isEqualTo(range(10).stream().map(PoolScenarios::square).toList());
        assertThat(pool().map(PoolScenarios::square, range(100), 20)).isEqualTo(range(100).stream().map(PoolScenarios::square).toList());
        List<Map.Entry<Integer, Integer>> pairs = range(10).stream().map(i -> Map.entry(i, i + 1)).toList();
        assertThat(pool().starmap((Integer a, Integer b) -> a * b, pairs)).isEqualTo(
                pairs.stream().map(p -> p.getKey() * p.getValue()).toList());
        assertThat(pool().starmap((Integer a, Integer b) -> a * b, pairs, 3)).hasSize(10);
        assertThat(pool().mapAsync(PoolScenarios::square, range(10)).get()).isEqualTo(
                range(10).stream().map(PoolScenarios::square).toList());
        assertThat(pool().starmapAsync((Integer a, Integer b) -> a + b, pairs).get()).isEqualTo(
                pairs.stream().map(p -> p.getKey() + p.getValue()).toList());
    }

    @Test
    void mapOfObjectsOtherThanNumbers() {
        List<String> words = List.of("a", "bb", "", "dddd");
        assertThat(pool().map(String::length, words)).containsExactly(1, 2, 0, 4);
        assertThat(pool().map(w -> w.isEmpty() ? null : w.toUpperCase(), words)).containsExactly("A", "BB", null, "DDDD");
        List<Long> longs = List.of(1L << 40, 3L);
        assertThat(pool().map(x -> x + 1, longs)).containsExactly((1L << 40) + 1, 4L);
    }

    @Test
    void theResultsOfMapAreAnOrdinaryMutableList() {
        List<Integer> squares = pool().map(PoolScenarios::square, range(50), 7);
        squares.set(0, -1);
        squares.sort(null);
        assertThat(squares.getFirst()).isEqualTo(-1);
        assertThat(squares).hasSize(50).contains(49 * 49);
    }

    @Test
    void mapAsyncCallbacksAreCalledOnceEach() throws Exception {
        List<Object> results = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        pool().mapAsync(Integer::parseInt, List.of("1")).whenComplete((r, e) -> {
            if (e == null) {
                results.add(r);
            } else {
                errors.add(e);
            }
        }).get();
        CompletableFuture<List<Integer>> failing = pool().mapAsync(Integer::parseInt, List.of("a"));
        // get() on the callback's own stage: failing.get() may return before a callback runs.
        CompletableFuture<List<Integer>> observed = failing.whenComplete((r, e) -> errors.add(e));
        assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(observed::get).isInstanceOf(ExecutionException.class);
        assertThat(results).containsExactly(List.of(1));
        assertThat(errors).singleElement().isInstanceOf(ProcessPoolException.class);
        assertThat(errors.getFirst().getCause()).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void anItemThatCannotBeSerializedFailsInTheCallerWithoutHanging() {
        List<Object> items = List.of(1, new Object(), 3);
        assertThatThrownBy(() -> pool().map(String::valueOf, items))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item 1").hasMessageContaining("java.lang.Object");
        assertThat(pool().apply(() -> 7)).isEqualTo(7);
    }

    @Test
    void aNullFunctionOrNullItemsFailInTheCallerAndThePoolGoesOn() {
        List<ThrowingCallable> calls = List.of(
                () -> pool().map(null, range(3)),
                () -> pool().map(PoolScenarios::square, null),
                () -> pool().mapAsync(null, range(3), 1),
                () -> pool().starmap(null, List.of(Map.entry(1, 2))),
                () -> pool().starmap((Integer a, Integer b) -> a + b, null),
                () -> pool().imap(null, range(3)),
                () -> pool().imap(PoolScenarios::square, null),
                () -> pool().imapUnordered(null, range(3)));
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(NullPointerException.class);
        }
        assertThat(pool().map(PoolScenarios::square, range(3))).containsExactly(0, 1, 4);
    }

    @Test
    void emptyInputsGiveEmptyResults() throws Exception {
        assertThat(pool().map(PoolScenarios::square, List.of())).isEmpty();
        assertThat(pool().mapAsync(PoolScenarios::square, List.<Integer>of(), 1).get(1, TimeUnit.SECONDS)).isEmpty();
        assertThat(pool().imap(PoolScenarios::square, List.<Integer>of())).isExhausted();
        assertThat(pool().imapUnordered(PoolScenarios::square, List.<Integer>of())).isExhausted();
    }

    @Test
    void anExceptionOfTheInputPropagatesAsItIs() {
        assertThatThrownBy(() -> pool().map(PoolScenarios::square, throwingAt(10, 0))).isInstanceOf(SayWhen.class);
        assertThatThrownBy(() -> pool().map(PoolScenarios::square, throwingAt(10, 3))).isInstanceOf(SayWhen.class);

        Iterator<Integer> it = pool().imap(PoolScenarios::square, throwingAt(10, 3));
        assertThat(it.next()).isEqualTo(0);
        assertThat(it.next()).isEqualTo(1);
        assertThat(it.next()).isEqualTo(4);
        assertThatThrownBy(it::next).isInstanceOf(SayWhen.class).hasNoCause();
        assertThat(it.hasNext()).isFalse();

        Iterator<Integer> chunked = pool().imap(PoolScenarios::square, throwingAt(10, 7), 2);
        List<Integer> before = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> chunked.forEachRemaining(before::add));
        assertThat(thrown).isInstanceOf(SayWhen.class);
        assertThat(before).containsExactly(0, 1, 4, 9, 16, 25);

        Iterator<Integer> unordered = pool().imapUnordered(PoolScenarios::square, throwingAt(10, 3));
        Set<Integer> seen = new HashSet<>();
        assertThatThrownBy(() -> unordered.forEachRemaining(seen::add)).isInstanceOf(SayWhen.class);
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 4);
    }

    @Test
    void applyAsyncWaitsForTheResultAndTimesOutWithoutHarm() throws Exception {
        long start = System.nanoTime();
        assertThat(pool().applyAsync(() -> {
            Thread.sleep(200);
            return square(7);
        }).get()).isEqualTo(49);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));

        CompletableFuture<Integer> slow = pool().applyAsync(() -> {
            Thread.sleep(1_000);
            return 6;
        });
        assertThatThrownBy(() -> slow.get(100, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(pool().apply(() -> square(3))).isEqualTo(9);
        assertThat(slow.get()).isEqualTo(6);
    }

    @Test
    void imapGivesResultsInOrderAndImapUnorderedAll() {
        List<Integer> expected = range(1000).stream().map(PoolScenarios::square).toList();
        List<Integer> ordered = new ArrayList<>();
        pool().imap(PoolScenarios::square, range(1000)).forEachRemaining(ordered::add);
        assertThat(ordered).isEqualTo(expected);
        List<Integer> chunked = new ArrayList<>();
        pool().imap(PoolScenarios::square, range(1000), 100).forEachRemaining(chunked::add);
        assertThat(chunked).isEqualTo(expected);
        List<Integer> unordered = new ArrayList<>();
        pool().imapUnordered(PoolScenarios::square, range(1000), 100).forEachRemaining(unordered::add);
        assertThat(unordered).containsExactlyInAnyOrderElementsOf(expected);
        Iterator<Integer> done = pool().imap(PoolScenarios::square, range(2));
        done.next();
        done.next();
        assertThatThrownBy(done::next).isInstanceOf(java.util.NoSuchElementException.class);
    }

    @Test
    void anItemThatFailsInImapThrowsAtItsPlaceAndTheRestFollow() {
        Iterator<Integer> it = pool().imap(x -> 10 / (x - 2), range(5));
        assertThat(it.next()).isEqualTo(-5);
        assertThat(it.next()).isEqualTo(-10);
        assertThatThrownBy(it::next).isInstanceOf(ProcessPoolException.class)
                .hasCauseInstanceOf(ArithmeticException.class)
                .satisfies(e -> assertThat(((ProcessPoolException) e).itemIndex()).isEqualTo(2));
        assertThat(it.next()).isEqualTo(10);
        assertThat(it.next()).isEqualTo(5);
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void aTaskExceptionKeepsItsClassMessageAndStackTrace() {
        Throwable thrown = catchThrowable(() -> pool().apply(() -> {
            throw new RuntimeException("123");
        }));
        assertThat(thrown).isInstanceOf(ProcessPoolException.class);
        Throwable cause = thrown.getCause();
        assertThat(cause).isExactlyInstanceOf(RuntimeException.class).hasMessage("123");
        assertThat(cause.getStackTrace()).anySatisfy(frame -> {
            assertThat(frame.getClassName()).isEqualTo(PoolScenarios.class.getName());
            assertThat(frame.getMethodName()).contains("lambda$");
        });
        assertThatThrownBy(() -> pool().applyAsync(() -> {
            throw new IllegalStateException("from a worker");
        }).get()).isInstanceOf(ExecutionException.class).cause().isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("from a worker");
    }

    @Test
    void anErrorCallbackReceivesTheTaskException() throws Exception {
        CompletableFuture<Throwable> received = new CompletableFuture<>();
        pool().applyAsync(() -> Map.of().get("missing").toString())
                .whenComplete((r, e) -> received.complete(e));
        assertThat(received.get()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anExceptionThatCannotBeSerializedIsReportedWithItsDescriptionAndStackTrace() {
        Throwable thrown = catchThrowable(() -> pool().apply(() -> {
            throw new Unsendable("not for the wire");
        }));
        assertThat(thrown.getCause()).isInstanceOf(MaybeEncodingException.class)
                .hasMessageContaining(Unsendable.class.getName()).hasMessageContaining("not for the wire");
        assertThat(((MaybeEncodingException) thrown.getCause()).valueClass()).isEqualTo(Unsendable.class.getName());
        assertThat(thrown.getCause().getStackTrace()).anySatisfy(
                frame -> assertThat(frame.getMethodName()).contains("lambda$"));
        assertThat(pool().apply(() -> 1)).isEqualTo(1);
    }

    @Test
    void aPoolServesSeveralThreadsAtOnce() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger checked = new AtomicInteger();
        for (int t = 0; t < 6; t++) {
            int offset = t * 1000;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    List<Integer> items = IntStream.range(offset, offset + 1000).boxed().toList();
                    assertThat(pool().map(x -> x * 2, items)).isEqualTo(items.stream().map(x -> x * 2).toList());
                    List<CompletableFuture<Integer>> futures = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        int x = offset + i;
                        futures.add(pool().applyAsync(() -> x + 1));
                    }
                    for (int i = 0; i < 100; i++) {
                        assertThat(futures.get(i).get()).isEqualTo(offset + i + 1);
                    }
                    List<Integer> lazily = new ArrayList<>();
                    pool().imap(x -> -x, items, 10).forEachRemaining(lazily::add);
                    assertThat(lazily).isEqualTo(items.stream().map(x -> -x).toList());
                    checked.incrementAndGet();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(checked).hasValue(6);
    }
}
