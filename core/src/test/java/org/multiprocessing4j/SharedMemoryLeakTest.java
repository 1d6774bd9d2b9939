package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.testing.Gate;
import org.multiprocessing4j.testing.LeakBaseline;
import org.multiprocessing4j.testing.JavaProgram;
import org.multiprocessing4j.testing.Pids;
import org.multiprocessing4j.testing.Segments;

/** Shared memory goes away once no live process uses it, however its users ended. */
@Timeout(120)
class SharedMemoryLeakTest {
    private static final Duration PROGRAM_LIMIT = Duration.ofSeconds(60);
    private static final Duration CLEANUP_LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static void awaitGone(Set<Path> files) throws InterruptedException {
        long deadline = System.nanoTime() + CLEANUP_LIMIT.toNanos();
        while (files.stream().anyMatch(Files::exists)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still in /dev/shm after " + CLEANUP_LIMIT + ": "
                        + files.stream().filter(Files::exists).toList());
            }
            Thread.sleep(20);
        }
    }

    /** Makes shared memory, and a child that holds the lock and makes more; then waits to be killed. */
    public static class SharedMemoryHolders {
        public static void main(String[] args) throws Exception {
            Lock lock = new Lock();
            SharedLong value = Value.ofLong(42);
            String held = args[0];
            Process child = new Process(() -> {
                lock.acquire();
                Event own = new Event();
                own.set();
                value.addAndGet(1);
                Gate.open(held);
                Thread.sleep(Long.MAX_VALUE);
            });
            child.start();
            Gate.await(held);
            System.out.println(SharedSegment.treeTag() + " " + child.pid().getAsLong());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void whenEveryUserIsKilledTheTrackerRemovesTheSegments() throws Exception {
        String held = dir.resolve("held").toString();
        try (JavaProgram program = JavaProgram.start(SharedMemoryHolders.class, held)) {
            String[] words = program.nextLine(PROGRAM_LIMIT).split(" ");
            String tree = words[0];
            long childPid = Long.parseLong(words[1]);
            Set<Path> segments = Segments.ofTree(tree);
            assertThat(segments).as("the parent's block of small primitives, and the child's").hasSize(2);

            new ProcessBuilder("kill", "-KILL", Long.toString(childPid)).start().waitFor();
            program.process().destroyForcibly();
            program.process().onExit().get(10, TimeUnit.SECONDS);
            Pids.awaitGone(childPid, Duration.ofSeconds(5));

            awaitGone(segments);
        }
    }

    @Test
    void aSegmentOnlyAKilledChildUsedIsRemovedWhileTheParentLives() throws Exception {
        String tree = SharedSegment.treeTag();
        Set<Path> before = Segments.ofTree(tree);
        String made = dir.resolve("made").toString();
        Process p = new Process(() -> {
            Lock own = new Lock();
            own.acquire();
            Gate.open(made);
            Thread.sleep(Long.MAX_VALUE);
        });
        p.start();
        Gate.await(made);
        Set<Path> childs = added(before, Segments.ofTree(tree));
        assertThat(childs).hasSize(1);
        p.kill();
        p.join();
        awaitGone(childs);
    }

    @Test
    void aSegmentUsedByALiveProcessStays() throws Exception {
        Event mine = new Event();
        Path segment = SharedSegment.DIRECTORY.resolve(Segments.nameOf(mine));
        Process p = new Process(mine::set);
        p.start();
        p.join();
        Thread.sleep(3 * 250); // three sweeps of the tracker
        assertThat(segment).exists();
        assertThat(mine.isSet()).isTrue();
    }

    @Test
    void handlesNoCodeUsesAnyMoreFreeTheirMappingsAndFilesSoAMakeAndDropLoopStaysFlat() throws Exception {
        long bound = 4096; // four times what the library maps before it asks for a collection, however long the loop
        String tree = SharedSegment.treeTag();
        int filesBefore = Segments.ofTree(tree).size();
        long mappingsBefore = LeakBaseline.mappingsNow();
        long[] peaks = makeAndDrop(20_000, 2_000, tree, filesBefore, mappingsBefore);
        assertThat(peaks[0]).as("files in /dev/shm beyond those before the loop").isLessThan(bound);
        assertThat(peaks[1]).as("mappings beyond those before the loop").isLessThan(bound);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Segments.ofTree(tree).size() > filesBefore && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        assertThat(Segments.ofTree(tree)).as("once collected, every dropped handle's file is gone, but for the block "
                + "small primitives are allocated from next").hasSizeLessThanOrEqualTo(filesBefore + 1);
    }

    /**
     * Makes and drops {@code locks} Locks and {@code queues} Queues, each used once; returns the
     * peaks of files and mappings beyond those before. A method of its own, so that no local
     * variable of the test's frame keeps the last handles reachable.
     */
    private static long[] makeAndDrop(int locks, int queues, String tree, int filesBefore, long mappingsBefore)
            throws Exception {
        long peakFiles = 0;
        long peakMappings = 0;
        for (int i = 0; i < locks; i++) {
            Lock lock = new Lock();
            lock.acquire();
            lock.release();
            if (i % (locks / queues) == 0) {
                Queue<Integer> queue = new Queue<>();
                queue.put(i);
                assertThat(queue.take()).isEqualTo(i);
            }
            if (i % 500 == 0) {
                peakFiles = Math.max(peakFiles, Segments.ofTree(tree).size() - filesBefore);
                peakMappings = Math.max(peakMappings, LeakBaseline.mappingsNow() - mappingsBefore);
            }
        }
        return new long[] {peakFiles, peakMappings};
    }

    @Test
    void aQueueAndALockGivenToEachChildGoOnceTheChildHasEndedAndTheParentDropsThem() throws Exception {
        NewFiles files = new NewFiles();
        for (int i = 0; i < 6; i++) {
            giveToAChildAndDrop(i, files);
        }
        Set<Path> made = files.seen;
        assertThat(made).as("six queues, and maybe a block for the locks").hasSizeGreaterThanOrEqualTo(6);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return made.stream().filter(Files::exists).count() <= 1;
        });
    }

    /**
     * The files a test's tree makes from now on, looked at ({@link #look}) while the handles that
     * made them are held: a collection may free them as soon as they are dropped.
     */
    private static final class NewFiles {
        final String tree = SharedSegment.treeTag();
        final Set<Path> before = Segments.ofTree(tree);
        final Set<Path> seen = new java.util.HashSet<>();

        NewFiles() throws IOException {}

        void look() throws IOException {
            seen.addAll(added(before, Segments.ofTree(tree)));
        }
    }

    /** The files in {@code after} that were not in {@code before}. */
    private static Set<Path> added(Set<Path> before, Set<Path> after) {
        Set<Path> added = new java.util.HashSet<>(after);
        added.removeAll(before);
        return added;
    }

    /** A method of its own, so that no local variable of the test's frame keeps the handles reachable. */
    private static void giveToAChildAndDrop(int i, NewFiles files) throws Exception {
        Queue<Integer> queue = new Queue<>();
        Lock lock = new Lock();
        Process child = new Process(() -> {
            lock.acquire();
            queue.put(i);
            lock.release();
        });
        child.start();
        assertThat(queue.take()).isEqualTo(i);
        child.join();
        files.look();
        java.lang.ref.Reference.reachabilityFence(queue);
        java.lang.ref.Reference.reachabilityFence(lock);
    }

    @Test
    void aHandleTheChildSentOnIntoAQueueStillAttachesOnceTheParentHasDroppedItsOwn() throws Exception {
        String tree = SharedSegment.treeTag();
        Queue<Queue<Integer>> sentOn = new Queue<>();
        Set<Path> before = Segments.ofTree(tree);
        WeakReference<Queue<Integer>> dropped = sendOnThroughAChild(sentOn);
        Set<Path> inner = added(before, Segments.ofTree(tree));
        assertThat(inner).as("the queue the child sent on").hasSize(1);
        assertSentOnQueueOutlivesItsCollection(dropped, inner, sentOn);
    }

    /** Gives a child a new queue that it puts into {@code sentOn}; returns the queue, weakly. */
    private static WeakReference<Queue<Integer>> sendOnThroughAChild(Queue<Queue<Integer>> sentOn) throws Exception {
        Queue<Integer> queue = new Queue<>();
        queue.put(7);
        Process child = new Process(() -> sentOn.put(queue));
        child.start();
        child.join();
        assertThat(child.exitCode()).hasValue(0);
        return new WeakReference<>(queue);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aReplyQueueSentWithEachRequestGoesOnceTheServerHasTakenItAndEveryoneDroppedIt() throws Exception {
        Queue<Queue<Integer>> requests = new Queue<>();
        Pipe pipe = Pipe.open();
        Connection serverEnd = pipe.second();
        Process server = new Process(() -> {
            for (int i = 0; i < 3; i++) {
                requests.take().put(i);
                ((Queue<Integer>) serverEnd.recv()).put(i);
            }
        });
        server.start();
        NewFiles files = new NewFiles();
        for (int i = 0; i < 3; i++) {
            requestAndDrop(requests, pipe.first(), i, files);
        }
        Set<Path> made = files.seen;
        server.join();
        assertThat(server.exitCode()).hasValue(0);
        assertThat(made).as("a reply queue sent on the queue and one on the pipe, a round").hasSize(6);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return made.stream().noneMatch(Files::exists);
        });
    }

    /** Sends the server a new reply queue on the queue and one on the pipe, and takes the replies; drops both. */
    private static void requestAndDrop(Queue<Queue<Integer>> requests, Connection clientEnd, int i, NewFiles files)
            throws Exception {
        Queue<Integer> byQueue = new Queue<>();
        requests.put(byQueue);
        assertThat(byQueue.take()).isEqualTo(i);
        Queue<Integer> byPipe = new Queue<>();
        clientEnd.send(byPipe);
        assertThat(byPipe.take()).isEqualTo(i);
        files.look();
        java.lang.ref.Reference.reachabilityFence(byQueue);
        java.lang.ref.Reference.reachabilityFence(byPipe);
    }

    @Test
    void aQueueSentOnAQueueStaysForItsTakerThoughItsSenderDroppedItAndAnotherProcessOnlyPeekedAtIt() throws Exception {
        String tree = SharedSegment.treeTag();
        Queue<Queue<Integer>> sentOn = new Queue<>();
        Set<Path> before = Segments.ofTree(tree);
        WeakReference<Queue<Integer>> dropped = sendOnAndDrop(sentOn);
        Set<Path> inner = added(before, Segments.ofTree(tree));
        assertThat(inner).as("the queue sent on").hasSize(1);
        Process peeker = new Process(() -> {
            if (sentOn.peek().take() != 7) {
                throw new IllegalStateException("the peeked queue does not hold 7");
            }
            sentOn.peek().put(7); // put back what it took, so the taker finds it; the frame stays untaken
        });
        peeker.start();
        peeker.join();
        assertThat(peeker.exitCode()).hasValue(0);
        assertSentOnQueueOutlivesItsCollection(dropped, inner, sentOn);
    }

    @Test
    void aQueueATakerSentOnBeforeItEndedStaysForTheNextTakerThoughTheFirstSenderLeftMeanwhile() throws Exception {
        String tree = SharedSegment.treeTag();
        Queue<Queue<Integer>> requests = new Queue<>();
        Queue<Queue<Integer>> forwarded = new Queue<>();
        String taken = dir.resolve("taken").toString();
        String senderLeft = dir.resolve("sender-left").toString();
        Process forwarder = new Process(() -> {
            Queue<Integer> queue = requests.take();
            Gate.open(taken);
            Gate.await(senderLeft);
            forwarded.put(queue);
        });
        forwarder.start();
        Set<Path> before = Segments.ofTree(tree);
        WeakReference<Queue<Integer>> dropped = sendOnAndDrop(requests);
        Set<Path> inner = added(before, Segments.ofTree(tree));
        assertThat(inner).as("the queue sent on").hasSize(1);
        Gate.await(taken);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return dropped.get() == null; // every frame taken so far: this process leaves the queue
        });
        Gate.open(senderLeft);
        forwarder.join();
        assertThat(forwarder.exitCode()).hasValue(0);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> inner.stream().allMatch(Files::exists));
        assertThat(forwarded.take().take()).isEqualTo(7);
    }

    @Test
    void aQueueThatAFullQueueRefusedGoesOnceDropped() throws Exception {
        Queue<Queue<Integer>> full = new Queue<>(1);
        full.put(new Queue<>());
        NewFiles files = new NewFiles();
        offerToAFullQueueAndDrop(full, files);
        Set<Path> refused = files.seen;
        assertThat(refused).as("the queue offered").hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return refused.stream().noneMatch(Files::exists);
        });
    }

    /** Offers a new queue to {@code full}, at once and with a timeout; a method of its own, so that it is dropped. */
    private static void offerToAFullQueueAndDrop(Queue<Queue<Integer>> full, NewFiles files) throws Exception {
        Queue<Integer> refused = new Queue<>();
        assertThat(full.offer(refused)).isFalse();
        assertThat(full.offer(refused, 10, TimeUnit.MILLISECONDS)).isFalse();
        files.look();
        java.lang.ref.Reference.reachabilityFence(refused);
    }

    /** Puts a new queue holding 7 into {@code sentOn}; returns the queue, weakly. */
    private static WeakReference<Queue<Integer>> sendOnAndDrop(Queue<Queue<Integer>> sentOn) throws Exception {
        Queue<Integer> queue = new Queue<>();
        queue.put(7);
        sentOn.put(queue);
        return new WeakReference<>(queue);
    }

    @Test
    void queuesThatPoolTasksCapturedOrTookGoOnceThePoolIsClosedAndTheyAreDropped() throws Exception {
        Set<Path> made;
        try (Pool pool = new Pool(2)) {
            pool.apply(() -> 0);
            NewFiles files = new NewFiles();
            for (int i = 0; i < 4; i++) {
                giveToPoolTasksAndDrop(pool, i, files);
            }
            made = files.seen;
        }
        assertThat(made).as("three queues a round").hasSize(12);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return made.stream().noneMatch(Files::exists);
        });
    }

    @Test
    void queuesThatPoolTasksCapturedOrTookGoWhileThePoolStaysOpenOnceTheWorkersAreIdle() throws Exception {
        try (Pool pool = new Pool(2)) {
            assertRoundsFreeTheirFilesWhileThePoolStaysOpen(pool, SharedMemoryLeakTest::giveToPoolTasksAndDrop, 3);
        }
    }

    /** A round of work on a pool, which makes {@code files} see the files it made. */
    @FunctionalInterface
    private interface PoolRound {
        void run(Pool pool, int i, NewFiles files) throws Exception;
    }

    /** Four rounds make {@code filesPerRound} files each, which go while the pool stays open, and the pool still works. */
    private static void assertRoundsFreeTheirFilesWhileThePoolStaysOpen(Pool pool, PoolRound round, int filesPerRound)
            throws Exception {
        pool.apply(() -> 0);
        NewFiles files = new NewFiles();
        for (int i = 0; i < 4; i++) {
            round.run(pool, i, files);
        }
        Set<Path> made = files.seen;
        assertThat(made).as(filesPerRound + " files a round").hasSize(4 * filesPerRound);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return made.stream().noneMatch(Files::exists);
        });
        assertThat(pool.apply(() -> 1)).as("the pool still works").isEqualTo(1);
    }

    /**
     * A queue a task captures, a queue a map takes as an item and a queue a map's function captures;
     * a method of its own, so that they are dropped.
     */
    private static void giveToPoolTasksAndDrop(Pool pool, int i, NewFiles files) throws Exception {
        Queue<Integer> captured = new Queue<>();
        Queue<Integer> item = new Queue<>();
        Queue<Integer> capturedByMap = new Queue<>();
        assertThat(pool.apply(() -> {
            captured.put(i);
            return i;
        })).isEqualTo(i);
        assertThat(pool.map(queue -> {
            queue.put(i);
            return 1;
        }, List.of(item))).containsExactly(1);
        assertThat(pool.map(x -> {
            capturedByMap.put(x);
            return 1;
        }, List.of(i))).containsExactly(1);
        assertThat(captured.take()).isEqualTo(i);
        assertThat(item.take()).isEqualTo(i);
        assertThat(capturedByMap.take()).isEqualTo(i);
        files.look();
        java.lang.ref.Reference.reachabilityFence(captured);
        java.lang.ref.Reference.reachabilityFence(item);
        java.lang.ref.Reference.reachabilityFence(capturedByMap);
    }

    @Test
    void queuesThatPoolTasksReturnGoOnceTheCallerDropsThemWhileThePoolStaysOpen() throws Exception {
        try (Pool pool = new Pool(1)) {
            assertRoundsFreeTheirFilesWhileThePoolStaysOpen(pool, SharedMemoryLeakTest::takeFromAPoolTaskAndDrop, 1);
        }
    }

    /** A queue a task makes, fills and returns, taken from here; a method of its own, so that it is dropped. */
    private static void takeFromAPoolTaskAndDrop(Pool pool, int i, NewFiles files) throws Exception {
        Queue<Integer> made = pool.apply(() -> {
            Queue<Integer> queue = new Queue<>();
            queue.put(i);
            return queue;
        });
        assertThat(made.take()).isEqualTo(i);
        files.look();
        java.lang.ref.Reference.reachabilityFence(made);
    }

    @Test
    void queuesGivenToAManagersDictAndTakenBackGoOnceEveryoneLetGoOfThemWhileTheManagerRuns() throws Exception {
        try (Manager manager = Manager.start()) {
            Map<String, Queue<Integer>> dict = manager.dict();
            NewFiles files = new NewFiles();
            for (int i = 0; i < 4; i++) {
                passThroughADictAndDrop(dict, i, files);
            }
            Set<Path> made = files.seen;
            assertThat(made).as("a queue a round").hasSize(4);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc();
                return made.stream().noneMatch(Files::exists);
            });
            assertThat(dict).as("the manager still works").isEmpty();
        }
    }

    /** A queue put in a manager's dict, then removed and taken from; a method of its own, so that it is dropped. */
    private static void passThroughADictAndDrop(Map<String, Queue<Integer>> dict, int i, NewFiles files) throws Exception {
        Queue<Integer> queue = new Queue<>();
        queue.put(i);
        dict.put("queue", queue);
        Queue<Integer> back = dict.remove("queue");
        assertThat(back.take()).isEqualTo(i);
        files.look();
        java.lang.ref.Reference.reachabilityFence(queue);
        java.lang.ref.Reference.reachabilityFence(back);
    }

    @Test
    void aQueueAPoolTaskSentOnStillAttachesOnceThePoolIsClosedAndTheCallerDroppedIt() throws Exception {
        String tree = SharedSegment.treeTag();
        Queue<Queue<Integer>> sentOn = new Queue<>();
        WeakReference<Queue<Integer>> dropped;
        Set<Path> inner;
        try (Pool pool = new Pool(1)) {
            pool.apply(() -> 0);
            Set<Path> before = Segments.ofTree(tree);
            dropped = sendOnThroughAPoolTask(pool, sentOn);
            inner = added(before, Segments.ofTree(tree));
        }
        assertThat(inner).as("the queue the task sent on").hasSize(1);
        assertSentOnQueueOutlivesItsCollection(dropped, inner, sentOn);
    }

    /**
     * Once this process has collected the queue it gave away ({@code dropped}), its file
     * ({@code inner}) stays for a second and more, and the copy in {@code sentOn} still attaches.
     */
    private static void assertSentOnQueueOutlivesItsCollection(WeakReference<Queue<Integer>> dropped, Set<Path> inner,
            Queue<Queue<Integer>> sentOn) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return dropped.get() == null;
        });
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> inner.stream().allMatch(Files::exists));
        assertThat(sentOn.take().take()).isEqualTo(7);
    }

    /** Gives a pool task a new queue that it puts into {@code sentOn}; returns the queue, weakly. */
    private static WeakReference<Queue<Integer>> sendOnThroughAPoolTask(Pool pool, Queue<Queue<Integer>> sentOn)
            throws Exception {
        Queue<Integer> queue = new Queue<>();
        queue.put(7);
        pool.apply(() -> {
            sentOn.put(queue);
            return 0;
        });
        return new WeakReference<>(queue);
    }

    @Test
    void seventyThousandLiveLocksTakeAFewBlocksNotAMappingEach() throws Exception {
        long mappingsBefore = LeakBaseline.mappingsNow();
        List<Lock> locks = new ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            locks.add(new Lock()); // one segment each would pass the kernel's 65,530 mappings
        }
        assertThat(LeakBaseline.mappingsNow() - mappingsBefore).as("mappings for 70,000 live locks").isLessThan(100);
        Lock last = locks.getLast();
        assertThat(last.tryLock()).isTrue();
        Process child = new Process(() -> {
            if (last.tryLock()) {
                System.exit(3);
            }
        });
        child.start();
        child.join();
        assertThat(child.exitCode()).as("the child sees the same lock, held").hasValue(0);
        last.unlock();
    }
}
