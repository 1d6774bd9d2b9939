package org.multiprocessing4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.cluster.internal.Chunk;
import org.multiprocessing4j.cluster.internal.Dispatcher;
import org.multiprocessing4j.cluster.internal.ItemFunction;
import org.multiprocessing4j.cluster.internal.Signature;
import org.multiprocessing4j.cluster.testing.LocalCluster;

/** Strangers are kept out: a client or a node with another secret, and a task signed with one. */
@Timeout(90)
class ClusterSecurityTest {
    private static final byte[] OTHER_SECRET = "another secret of sixteen bytes or more".getBytes(StandardCharsets.UTF_8);
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = LocalCluster.start(1, 1, builder -> builder.connectTimeout(Duration.ofSeconds(3)));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aClientWithAnotherSecretIsRefusedNamingTheCluster() {
        ClusterConfig stranger = cluster.config().toBuilder().secret(OTHER_SECRET).build();
        assertThatThrownBy(() -> ClusterPool.connect(stranger)).isInstanceOf(ClusterException.class)
                .hasMessageContaining(stranger.clusterName()).hasMessageContaining("secret");
    }

    @Test
    void aNodeWithAnotherSecretDoesNotJoin() throws Exception {
        InetSocketAddress member = cluster.config().members().getFirst();
        ClusterConfig stranger = cluster.config().toBuilder().secret(OTHER_SECRET)
                .bind(new InetSocketAddress("127.0.0.1", member.getPort() + 1)).workers(1).build();
        try (ClusterNode node = ClusterNode.start(stranger); ClusterPool pool = ClusterPool.connect(cluster.config())) {
            assertThat(node.members()).isEqualTo(1);
            assertThat(pool.workers()).isEqualTo(1);
        }
    }

    @Test
    void aTaskSignedWithAnotherSecretIsRefusedBeforeItIsRead() {
        HazelcastInstance client = HazelcastSettings.newClient(cluster.config());
        try {
            Dispatcher forger = new Dispatcher(client, new Signature(OTHER_SECRET), "forged",
                    HazelcastSettings.WORKERS_ATTRIBUTE, 3_000);
            byte[] chunk = Chunk.encode(new ItemFunction.Call((java.util.concurrent.Callable<Integer> & java.io.Serializable) () -> 1),
                    Arrays.asList((Object) null), 0);
            assertThatThrownBy(() -> forger.submit(chunk, 1, true, null).get()).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ClusterException.class).hasMessageContaining("refused");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theJoinNameDependsOnTheSecretAndTheMacOnEveryByte() {
        Signature ours = new Signature("our secret of sixteen bytes or more".getBytes(StandardCharsets.UTF_8));
        Signature theirs = new Signature(OTHER_SECRET);
        assertThat(ours.joinName("jobs")).startsWith("jobs-").isNotEqualTo(theirs.joinName("jobs"));
        byte[] bytes = {1, 2, 3};
        byte[] mac = ours.mac(bytes);
        assertThat(ours.verify(bytes, mac)).isTrue();
        assertThat(ours.verify(new byte[] {1, 2, 4}, mac)).isFalse();
        assertThat(theirs.verify(bytes, mac)).isFalse();
        assertThat(ours.verify(bytes, null)).isFalse();
        assertThat(List.of(ours.joinName("jobs"))).doesNotContain(new String(OTHER_SECRET, StandardCharsets.UTF_8));
    }
}
