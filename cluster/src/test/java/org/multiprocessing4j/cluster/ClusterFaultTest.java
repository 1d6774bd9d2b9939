package org.multiprocessing4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.ProcessPoolException;
import org.multiprocessing4j.SharedLong;
import org.multiprocessing4j.Value;
import org.multiprocessing4j.cluster.testing.LocalCluster;

/**
 * Members killed by SIGKILL under a client's work, one after another in one three-node cluster:
 * a map survives the first loss with every result once; a task that is not to be retried fails
 * with the second; the client of a cluster that is gone fails within its connect timeout.
 */
@Timeout(90)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static LocalCluster cluster;
    private static ClusterPool pool;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = LocalCluster.start(3, 1, builder -> builder.connectTimeout(CONNECT_TIMEOUT));
        pool = cluster.pool();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aMapSurvivesTheSigkillOfAMemberWithEveryResultExactlyOnceInOrder() throws Exception {
        SharedLong runs = Value.ofLong(0);
        List<Integer> items = IntStream.range(0, 40).boxed().toList();
        CompletableFuture<List<Integer>> squares = pool.mapAsync(x -> {
            runs.addAndGet(1);
            Thread.sleep(250);
            return x * x;
        }, items, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 6);
        Process victim = cluster.node(1);
        victim.kill();
        victim.join();

        assertThat(squares.get()).isEqualTo(items.stream().map(x -> x * x).toList());
        assertThat(runs.get()).as("at least once: the lost member's chunks ran again").isGreaterThanOrEqualTo(40);
        await().atMost(Duration.ofSeconds(15)).until(() -> pool.workers() == 2);
    }

    @Test
    @Order(2)
    void aTaskNotToBeRetriedFailsWithMemberLostExceptionWhenItsMemberDies() throws Exception {
        SharedLong node = Value.ofLong(0);
        CompletableFuture<Integer> once = pool.atMostOnce().applyAsync(() -> {
            node.set(ProcessHandle.current().parent().orElseThrow().pid());
            Thread.sleep(60_000);
            return 1;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> node.get() != 0);
        Process victim = node.get() == cluster.node(0).pid().orElseThrow() ? cluster.node(0) : cluster.node(2);
        assertThat(victim.pid().orElseThrow()).isEqualTo(node.get());
        victim.kill();

        long start = System.nanoTime();
        assertThatThrownBy(once::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(MemberLostException.class).hasMessageContaining("not to be run again");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(pool.apply(() -> 7)).as("the last node still serves").isEqualTo(7);
    }

    @Test
    @Order(3)
    void aClientWhoseClusterIsGoneFailsWithinItsConnectTimeout() {
        for (int i = 0; i < 3; i++) {
            if (cluster.node(i).isAlive()) {
                cluster.node(i).kill();
            }
        }
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> pool.apply(() -> 1));
        assertThat(thrown).isInstanceOf(ProcessPoolException.class).hasCauseInstanceOf(ClusterException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CONNECT_TIMEOUT.multipliedBy(3));

        start = System.nanoTime();
        assertThatThrownBy(() -> ClusterPool.connect(cluster.config())).isInstanceOf(ClusterException.class)
                .hasMessageContaining(cluster.config().clusterName());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CONNECT_TIMEOUT.multipliedBy(3));
    }
}
