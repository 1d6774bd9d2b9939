package org.multiprocessing4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Event;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.cluster.testing.LocalCluster;

/**
 * The cluster's lock, queue, dict, semaphore, event and long, used by this process and by child
 * processes that each connect to the cluster as a client of their own.
 */
@Timeout(90)
class ClusterPrimitivesTest {
    private static LocalCluster cluster;
    private static Cluster here;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = LocalCluster.start(2, 1, builder -> builder);
        here = cluster.objects();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Process child(ClusterConfig config, ClusterTask task) {
        Process process = new Process(() -> {
            try (Cluster cluster = Cluster.connect(config)) {
                task.run(cluster);
            }
        });
        process.start();
        return process;
    }

    /** What a child does with its own connection to the cluster. */
    @FunctionalInterface
    interface ClusterTask extends java.io.Serializable {
        void run(Cluster cluster) throws Exception;
    }

    @Test
    void aLockKeepsIncrementsOfSeveralProcessesFromMixing() throws Exception {
        ClusterConfig config = cluster.config();
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(child(config, cluster -> {
                Lock lock = cluster.lock("counter-lock");
                ConcurrentMap<String, Integer> counts = cluster.dict("counts");
                for (int i = 0; i < 50; i++) {
                    lock.lock();
                    try {
                        Integer seen = counts.getOrDefault("n", 0);
                        counts.put("n", seen + 1); // read, then write: only the lock makes it safe
                    } finally {
                        lock.unlock();
                    }
                }
            }));
        }
        for (Process child : children) {
            child.join();
            assertThat(child.exitCode()).hasValue(0);
        }
        assertThat(here.<String, Integer>dict("counts").get("n")).isEqualTo(100);
    }

    @Test
    void aLockHeldByAProcessKilledBySigkillIsFreedWithinSeconds() throws Exception {
        Event held = new Event();
        Process holder = child(cluster.config(), cluster -> {
            cluster.lock("orphaned").lock();
            held.set();
            Thread.sleep(Long.MAX_VALUE);
        });
        assertFreedWithinSecondsOfTheSigkill("orphaned", holder, held);
    }

    @Test
    void aLockHeldByAMemberKilledBySigkillIsFreedWithinSeconds() throws Exception {
        ClusterConfig extra = cluster.config().toBuilder()
                .bind(new InetSocketAddress("127.0.0.1", LocalCluster.freePort())).build();
        Event held = new Event();
        Process member = new Process(() -> {
            try (ClusterNode node = ClusterNode.start(extra)) {
                node.cluster().lock("member-held").lock();
                held.set();
                Thread.sleep(Long.MAX_VALUE);
            }
        });
        member.start();
        assertFreedWithinSecondsOfTheSigkill("member-held", member, held);
    }

    /** Once {@code holder} has set {@code held}, the lock {@code name} is taken, and free within 10 s of the holder's SIGKILL. */
    private static void assertFreedWithinSecondsOfTheSigkill(String name, Process holder, Event held) throws Exception {
        assertThat(held.await(Duration.ofSeconds(60))).isTrue();
        Lock lock = here.lock(name);
        assertThat(lock.tryLock()).isFalse();
        holder.kill();
        long start = System.nanoTime();
        assertThat(lock.tryLock(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        lock.unlock();
    }

    @Test
    void theLockKeepsTheContractOfLock() throws Exception {
        Lock lock = here.lock("contract");
        assertThat(lock.tryLock(Long.MAX_VALUE, TimeUnit.NANOSECONDS)).isTrue();
        assertThat(lock.tryLock()).as("reentrant, as Hazelcast's map locks are").isTrue();
        lock.unlock();
        lock.unlock();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> lock.tryLock(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);

        Event held = new Event();
        Event release = new Event();
        Process holder = child(cluster.config(), cluster -> {
            Lock taken = cluster.lock("contract");
            taken.lock();
            held.set();
            release.await();
            taken.unlock();
        });
        assertThat(held.await(Duration.ofSeconds(60))).isTrue();
        assertThat(lock.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class);
        release.set();
        lock.lock();
        lock.unlock();
        holder.join();
    }

    @Test
    void aQueueCarriesItemsBetweenProcessesAndKeepsTheBlockingQueueContract() throws Exception {
        BlockingQueue<String> queue = here.queue("words");
        Process producer = child(cluster.config(), cluster -> {
            BlockingQueue<String> words = cluster.queue("words");
            for (String word : List.of("a", "b", "c")) {
                words.put(word);
            }
        });
        assertThat(queue.poll(30, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(queue.take()).isEqualTo("b");
        assertThat(queue.take()).isEqualTo("c");
        producer.join();
        assertThat(queue.poll(50, TimeUnit.MILLISECONDS)).isNull();
        assertThatThrownBy(() -> queue.offer(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aDictMergesFromSeveralProcessesAtomically() throws Exception {
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(child(cluster.config(), cluster -> {
                ConcurrentMap<String, Integer> tally = cluster.dict("tally");
                for (int i = 0; i < 50; i++) {
                    tally.merge("votes", 1, Integer::sum);
                }
            }));
        }
        for (Process child : children) {
            child.join();
        }
        ConcurrentMap<String, Integer> tally = here.dict("tally");
        assertThat(tally.get("votes")).isEqualTo(100);
        assertThat(tally.putIfAbsent("votes", 0)).isEqualTo(100);
        assertThat(tally.replace("votes", 100, 1)).isTrue();
        assertThat(tally.remove("votes", 1)).isTrue();
    }

    @Test
    void aSemaphoreLetsAsManyInAsItHasPermits() throws Exception {
        ClusterSemaphore slots = here.semaphore("slots", 2);
        assertThat(here.semaphore("slots", 99).value()).as("the first to ask sets the permits").isEqualTo(2);
        assertThat(slots.acquire(false)).isTrue();
        assertThat(slots.acquire(Duration.ofMillis(10))).isTrue();
        assertThat(slots.acquire(Duration.ofMillis(100))).isFalse();
        Process releaser = child(cluster.config(), cluster -> cluster.semaphore("slots", 2).release());
        assertThat(slots.acquire(Duration.ofSeconds(30))).isTrue();
        releaser.join();
        assertThat(slots.value()).isZero();
        assertThatThrownBy(() -> here.semaphore("bad", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEventWakesAWaiterInAnotherProcess() throws Exception {
        ClusterEvent go = here.event("go");
        ClusterEvent done = here.event("done");
        Process waiter = child(cluster.config(), cluster -> {
            cluster.event("go").await();
            cluster.event("done").set();
        });
        assertThat(go.await(Duration.ofMillis(50))).isFalse();
        go.set();
        assertThat(done.await(Duration.ofSeconds(30))).isTrue();
        waiter.join();
        go.clear();
        assertThat(go.isSet()).isFalse();
    }

    @Test
    void aSharedLongCountsForEveryProcess() throws Exception {
        ClusterLong total = here.value("total");
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(child(cluster.config(), cluster -> {
                ClusterLong shared = cluster.value("total");
                for (int i = 0; i < 50; i++) {
                    shared.addAndGet(2);
                }
            }));
        }
        for (Process child : children) {
            child.join();
        }
        assertThat(total.get()).isEqualTo(200);
        assertThat(total.getAndAdd(1)).isEqualTo(200);
        assertThat(total.compareAndSet(201, 7)).isTrue();
        assertThat(total.compareAndSet(201, 8)).isFalse();
        total.set(0);
        assertThat(total.get()).isZero();
    }
}
