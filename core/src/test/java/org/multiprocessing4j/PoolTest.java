package org.multiprocessing4j;

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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's {@code _TestPool}, {@code _TestPoolWorkerErrors}, {@code _TestPoolWorkerLifetime} and
 * {@code TestInitializers} scenarios. One pool of two workers serves the tests that do not end it.
 */
@Timeout(60)
class PoolTest {
    private static Pool pool;

    @BeforeAll
    static void startPool() {
        pool = new Pool(2);
    }

    @AfterAll
    static void endPool() {
        pool.terminate();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static int square(int x) {
        return x * x;
    }

    /** Python's {@code SayWhenError}: what a test's input throws, on purpose. */
    static final class SayWhen extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SayWhen() {
            super("Somebody said when");
        }
    }

    /** Python's {@code exception_throwing_generator}: items 0, 1, 2, ... until it throws at {@code when}. */
    private static Iterable<Integer> throwingAt(int total, int when) {
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

    @Test
    void applyMapAndStarmapMatchTheSerialComputation() throws Exception {
        assertThat(pool.apply(() -> square(5))).isEqualTo(25);
        assertThat(pool.map(PoolTest::square, range(10))).isEqualTo(range(10).stream().map(PoolTest::square).toList());
        assertThat(pool.map(PoolTest::square, range(100), 20)).isEqualTo(range(100).stream().map(PoolTest::square).toList());
        List<Map.Entry<Integer, Integer>> pairs = range(10).stream().map(i -> Map.entry(i, i + 1)).toList();
        assertThat(pool.starmap((Integer a, Integer b) -> a * b, pairs)).isEqualTo(
                pairs.stream().map(p -> p.getKey() * p.getValue()).toList());
        assertThat(pool.starmap((Integer a, Integer b) -> a * b, pairs, 3)).hasSize(10);
        assertThat(pool.mapAsync(PoolTest::square, range(10)).get()).isEqualTo(
                range(10).stream().map(PoolTest::square).toList());
        assertThat(pool.starmapAsync((Integer a, Integer b) -> a + b, pairs).get()).isEqualTo(
                pairs.stream().map(p -> p.getKey() + p.getValue()).toList());
    }

    @Test
    void mapOfObjectsOtherThanNumbers() {
        List<String> words = List.of("a", "bb", "", "dddd");
        assertThat(pool.map(String::length, words)).containsExactly(1, 2, 0, 4);
        assertThat(pool.map(w -> w.isEmpty() ? null : w.toUpperCase(), words)).containsExactly("A", "BB", null, "DDDD");
        List<Long> longs = List.of(1L << 40, 3L);
        assertThat(pool.map(x -> x + 1, longs)).containsExactly((1L << 40) + 1, 4L);
    }

    @Test
    void theResultsOfMapAreAnOrdinaryMutableList() {
        List<Integer> squares = pool.map(PoolTest::square, range(50), 7);
        squares.set(0, -1);
        squares.sort(null);
        assertThat(squares.getFirst()).isEqualTo(-1);
        assertThat(squares).hasSize(50).contains(49 * 49);
    }

    @Test
    void mapAsyncCallbacksAreCalledOnceEach() throws Exception {
        List<Object> results = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        pool.mapAsync(Integer::parseInt, List.of("1")).whenComplete((r, e) -> {
            if (e == null) {
                results.add(r);
            } else {
                errors.add(e);
            }
        }).get();
        CompletableFuture<List<Integer>> failing = pool.mapAsync(Integer::parseInt, List.of("a"));
        failing.whenComplete((r, e) -> errors.add(e));
        assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class);
        assertThat(results).containsExactly(List.of(1));
        assertThat(errors).singleElement().isInstanceOf(ProcessPoolException.class);
        assertThat(errors.getFirst().getCause()).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void anItemThatCannotBeSerializedFailsInTheCallerWithoutHanging() {
        List<Object> items = List.of(1, new Object(), 3);
        assertThatThrownBy(() -> pool.map(String::valueOf, items))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item 1").hasMessageContaining("java.lang.Object");
        assertThat(pool.apply(() -> 7)).isEqualTo(7);
    }

    @Test
    void emptyInputsGiveEmptyResults() throws Exception {
        assertThat(pool.map(PoolTest::square, List.of())).isEmpty();
        assertThat(pool.mapAsync(PoolTest::square, List.<Integer>of(), 1).get(1, TimeUnit.SECONDS)).isEmpty();
        assertThat(pool.imap(PoolTest::square, List.<Integer>of())).isExhausted();
        assertThat(pool.imapUnordered(PoolTest::square, List.<Integer>of())).isExhausted();
    }

    @Test
    void anExceptionOfTheInputPropagatesAsItIs() {
        assertThatThrownBy(() -> pool.map(PoolTest::square, throwingAt(10, 0))).isInstanceOf(SayWhen.class);
        assertThatThrownBy(() -> pool.map(PoolTest::square, throwingAt(10, 3))).isInstanceOf(SayWhen.class);

        Iterator<Integer> it = pool.imap(PoolTest::square, throwingAt(10, 3));
        assertThat(it.next()).isEqualTo(0);
        assertThat(it.next()).isEqualTo(1);
        assertThat(it.next()).isEqualTo(4);
        assertThatThrownBy(it::next).isInstanceOf(SayWhen.class).hasNoCause();
        assertThat(it.hasNext()).isFalse();

        Iterator<Integer> chunked = pool.imap(PoolTest::square, throwingAt(10, 7), 2);
        List<Integer> before = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> chunked.forEachRemaining(before::add));
        assertThat(thrown).isInstanceOf(SayWhen.class);
        assertThat(before).containsExactly(0, 1, 4, 9, 16, 25);

        Iterator<Integer> unordered = pool.imapUnordered(PoolTest::square, throwingAt(10, 3));
        Set<Integer> seen = new HashSet<>();
        assertThatThrownBy(() -> unordered.forEachRemaining(seen::add)).isInstanceOf(SayWhen.class);
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 4);
    }

    @Test
    void applyAsyncWaitsForTheResultAndTimesOutWithoutHarm() throws Exception {
        long start = System.nanoTime();
        assertThat(pool.applyAsync(() -> {
            Thread.sleep(200);
            return square(7);
        }).get()).isEqualTo(49);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));

        CompletableFuture<Integer> slow = pool.applyAsync(() -> {
            Thread.sleep(1_000);
            return 6;
        });
        assertThatThrownBy(() -> slow.get(100, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(pool.apply(() -> square(3))).isEqualTo(9);
        assertThat(slow.get()).isEqualTo(6);
    }

    @Test
    void imapGivesResultsInOrderAndImapUnorderedAll() {
        List<Integer> expected = range(1000).stream().map(PoolTest::square).toList();
        List<Integer> ordered = new ArrayList<>();
        pool.imap(PoolTest::square, range(1000)).forEachRemaining(ordered::add);
        assertThat(ordered).isEqualTo(expected);
        List<Integer> chunked = new ArrayList<>();
        pool.imap(PoolTest::square, range(1000), 100).forEachRemaining(chunked::add);
        assertThat(chunked).isEqualTo(expected);
        List<Integer> unordered = new ArrayList<>();
        pool.imapUnordered(PoolTest::square, range(1000), 100).forEachRemaining(unordered::add);
        assertThat(unordered).containsExactlyInAnyOrderElementsOf(expected);
        Iterator<Integer> done = pool.imap(PoolTest::square, range(2));
        done.next();
        done.next();
        assertThatThrownBy(done::next).isInstanceOf(java.util.NoSuchElementException.class);
    }

    @Test
    void anItemThatFailsInImapThrowsAtItsPlaceAndTheRestFollow() {
        Iterator<Integer> it = pool.imap(x -> 10 / (x - 2), range(5));
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
    void aPoolNeedsAtLeastOneProcess() {
        assertThatThrownBy(() -> new Pool(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Number of processes must be at least 1");
        assertThatThrownBy(() -> new Pool(-1)).isInstanceOf(IllegalArgumentException.class);
        try (Pool three = new Pool(3)) {
            assertThat(three.processes()).isEqualTo(3);
            assertThat(three.map(x -> x + 1, range(3))).containsExactly(1, 2, 3);
        }
    }

    @Test
    void terminateReturnsPromptlyAndCancelsWhatIsPending() throws Exception {
        Pool doomed = new Pool(2);
        CompletableFuture<List<Object>> sleeping = doomed.mapAsync(ms -> {
            Thread.sleep(ms);
            return null;
        }, java.util.Collections.nCopies(10_000, 10_000L), 1);
        long start = System.nanoTime();
        doomed.terminate();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(sleeping).isCancelled();
        assertThat(doomed.isTerminated()).isTrue();
        assertThat(doomed.awaitTermination(0, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> doomed.map(PoolTest::square, range(3))).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aClosedPoolTakesNoWork() throws Exception {
        Pool closed;
        try (Pool p = new Pool(2)) {
            closed = p;
            assertThat(p.map(PoolTest::square, range(10))).hasSize(10);
        }
        assertThat(closed.isTerminated()).isTrue();
        assertThatThrownBy(() -> closed.mapAsync(PoolTest::square, range(10)))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("Pool not running");
        assertThatThrownBy(() -> closed.apply(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aTaskExceptionKeepsItsClassMessageAndStackTrace() {
        Throwable thrown = catchThrowable(() -> pool.apply(() -> {
            throw new RuntimeException("123");
        }));
        assertThat(thrown).isInstanceOf(ProcessPoolException.class);
        Throwable cause = thrown.getCause();
        assertThat(cause).isExactlyInstanceOf(RuntimeException.class).hasMessage("123");
        assertThat(cause.getStackTrace()).anySatisfy(frame -> {
            assertThat(frame.getClassName()).isEqualTo(PoolTest.class.getName());
            assertThat(frame.getMethodName()).contains("lambda$");
        });
        assertThatThrownBy(() -> pool.applyAsync(() -> {
            throw new IllegalStateException("from a worker");
        }).get()).isInstanceOf(ExecutionException.class).cause().isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("from a worker");
    }

    @Test
    void aFailingMapWaitsForEveryChunkThenThrowsTheFirstFailure() throws Exception {
        Pool own = new Pool(2);
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> own.map(delay -> {
            Thread.sleep(delay);
            throw new IllegalArgumentException("after " + delay);
        }, List.of(100L, 1_000L), 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        assertThat(thrown).isInstanceOf(ProcessPoolException.class).cause().hasMessage("after 100");
        assertThat(((ProcessPoolException) thrown).itemIndex()).isZero();
        own.shutdown();
        assertThat(own.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anErrorCallbackReceivesTheTaskException() throws Exception {
        CompletableFuture<Throwable> received = new CompletableFuture<>();
        pool.applyAsync(() -> Map.of().get("missing").toString())
                .whenComplete((r, e) -> received.complete(e));
        assertThat(received.get()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aResultThatCannotBeSerializedFailsItsTaskOnly() {
        Set<Long> pids = new HashSet<>(pool.map(x -> ProcessHandle.current().pid(), range(20), 1));
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> pool.apply(Object::new)).isInstanceOf(ProcessPoolException.class)
                    .cause().isInstanceOf(MaybeEncodingException.class).hasMessageContaining("java.lang.Object");
        }
        assertThat(pool.map(x -> ProcessHandle.current().pid(), range(20), 1)).allMatch(pids::contains);
    }

    /** An exception that Java serialization refuses: it holds a plain object. */
    static final class Unsendable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings({"unused", "serial"})
        private final Object payload = new Object();

        Unsendable(String message) {
            super(message);
        }
    }

    @Test
    void anExceptionThatCannotBeSerializedIsReportedWithItsDescriptionAndStackTrace() {
        Throwable thrown = catchThrowable(() -> pool.apply(() -> {
            throw new Unsendable("not for the wire");
        }));
        assertThat(thrown.getCause()).isInstanceOf(MaybeEncodingException.class)
                .hasMessageContaining(Unsendable.class.getName()).hasMessageContaining("not for the wire");
        assertThat(((MaybeEncodingException) thrown.getCause()).valueClass()).isEqualTo(Unsendable.class.getName());
        assertThat(thrown.getCause().getStackTrace()).anySatisfy(
                frame -> assertThat(frame.getMethodName()).contains("lambda$"));
        assertThat(pool.apply(() -> 1)).isEqualTo(1);
    }

    @Test
    void workersAreReplacedAfterMaxTasksPerChild() {
        try (Pool recycling = Pool.builder().processes(2).maxTasksPerChild(10).build()) {
            List<Long> pids = recycling.map(x -> {
                Thread.sleep(2);
                return ProcessHandle.current().pid();
            }, range(100), 1);
            assertThat(new HashSet<>(pids)).hasSizeGreaterThanOrEqualTo(10);
            assertThat(recycling.map(PoolTest::square, range(100), 1)).isEqualTo(range(100).stream().map(PoolTest::square).toList());
        }
        assertThatThrownBy(() -> Pool.builder().maxTasksPerChild(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pool.builder().maxTasksPerChild(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closingEarlyWithMaxTasksPerChildOneFinishesEveryTask() throws Exception {
        Pool recycling = Pool.builder().processes(2).maxTasksPerChild(1).build();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int x = i;
            results.add(recycling.applyAsync(() -> {
                Thread.sleep(50);
                return square(x);
            }));
        }
        recycling.shutdown();
        assertThat(recycling.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 6; i++) {
            assertThat(results.get(i).get()).isEqualTo(i * i);
        }
    }

    /** What the initializer sets, in each worker. */
    static final class Initialized {
        static volatile String value = "not initialized";
    }

    @Test
    void theInitializerRunsInEachWorkerBeforeItsFirstTask() {
        String marker = "ready";
        try (Pool initialized = Pool.builder().processes(2).initializer(() -> Initialized.value = marker).build()) {
            List<String> seen = initialized.map(x -> {
                Thread.sleep(20);
                return Initialized.value + "@" + ProcessHandle.current().pid();
            }, range(20), 1);
            assertThat(seen).allMatch(s -> s.startsWith("ready@"));
            assertThat(seen.stream().map(s -> s.substring(6)).distinct()).hasSize(2);
        }
        assertThat(Initialized.value).isEqualTo("not initialized");
        assertThatThrownBy(() -> Pool.builder().initializer(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anInitializerThatThrowsBreaksThePoolInsteadOfRespawningForEver() throws Exception {
        Pool broken = Pool.builder().processes(2).initializer(() -> {
            throw new IllegalStateException("no database");
        }).build();
        CompletableFuture<Integer> task = broken.applyAsync(() -> 1);
        Throwable failure = catchThrowable(task::get);
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WorkerDiedException.class)
                .hasMessageContaining("could not start").hasMessageContaining("no database");
        assertThat(broken.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> broken.applyAsync(() -> 2)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("no database");
    }

    @Test
    void workersWhoseJvmRefusesItsOptionsBreakThePoolWithoutHanging() throws Exception {
        Pool broken = Pool.builder().processes(2).jvmOptions(List.of("-XX:NoSuchOptionForAPool")).build();
        Throwable failure = catchThrowable(() -> broken.applyAsync(() -> 1).get());
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WorkerDiedException.class)
                .hasMessageContaining("could not start").hasMessageContaining("NoSuchOptionForAPool");
        assertThat(broken.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
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
                    assertThat(pool.map(x -> x * 2, items)).isEqualTo(items.stream().map(x -> x * 2).toList());
                    List<CompletableFuture<Integer>> futures = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        int x = offset + i;
                        futures.add(pool.applyAsync(() -> x + 1));
                    }
                    for (int i = 0; i < 100; i++) {
                        assertThat(futures.get(i).get()).isEqualTo(offset + i + 1);
                    }
                    List<Integer> lazily = new ArrayList<>();
                    pool.imap(x -> -x, items, 10).forEachRemaining(lazily::add);
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

    @Test
    void contextMakesPoolsToo() {
        try (Pool p = Multiprocessing.getContext(StartMethod.SPAWN).newPool(1)) {
            assertThat(p.apply(() -> Multiprocessing.currentProcess().name())).startsWith("SpawnPoolWorker-");
            assertThat(p.apply(() -> Multiprocessing.currentProcess().isDaemon())).isTrue();
        }
    }
}
