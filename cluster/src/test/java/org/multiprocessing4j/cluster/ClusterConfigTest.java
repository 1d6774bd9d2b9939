package org.multiprocessing4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration and the node's command line: each mistake is named. */
class ClusterConfigTest {
    private static final byte[] SECRET = "sixteen bytes at least".getBytes(StandardCharsets.UTF_8);

    @Test
    void aClusterNeedsASecretOfSixteenBytes() {
        assertThatThrownBy(() -> ClusterConfig.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("secret");
        assertThatThrownBy(() -> ClusterConfig.builder().secret(new byte[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 bytes");
    }

    @Test
    void badSettingsAreRefusedNamingThem() {
        ClusterConfig.Builder builder = ClusterConfig.builder();
        assertThatThrownBy(() -> builder.clusterName("a b")).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> builder.workers(0)).hasMessageContaining("at least 1 worker");
        assertThatThrownBy(() -> builder.bind(new InetSocketAddress(5701))).hasMessageContaining("not 0.0.0.0");
        assertThatThrownBy(() -> builder.taskTimeout(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> builder.connectTimeout(Duration.ofSeconds(-1))).hasMessageContaining("positive");
    }

    @Test
    void theDefaultsListenOnLoopbackAndTheSecretIsNeverShown() {
        ClusterConfig config = ClusterConfig.builder().secret(SECRET).build();
        assertThat(config.bind()).isEqualTo(new InetSocketAddress("127.0.0.1", ClusterConfig.DEFAULT_PORT));
        assertThat(config.clusterName()).isEqualTo(ClusterConfig.DEFAULT_NAME);
        assertThat(config.contactPoints()).containsExactly(config.bind());
        assertThat(config.toString()).doesNotContain(new String(SECRET, StandardCharsets.UTF_8));
        ClusterConfig other = config.toBuilder().workers(3).build();
        assertThat(other.workers()).isEqualTo(3);
        assertThat(other.secret()).isEqualTo(SECRET);
    }

    @Test
    void theCommandLineMakesAConfigurationWithTheSecretFromTheEnvironmentOrAFile(@TempDir Path dir)
            throws IOException {
        ClusterConfig config = NodeCommand.parse(new String[] {"--cluster", "jobs", "--bind", "127.0.0.1:6000",
                "--members", "127.0.0.1:6000,127.0.0.1:6001", "--workers", "3", "--task-timeout", "30",
                "--worker-jvm-option", "-Xmx1g"}, Map.of(NodeCommand.SECRET_VARIABLE, "sixteen bytes at least"));
        assertThat(config.clusterName()).isEqualTo("jobs");
        assertThat(config.bind().getPort()).isEqualTo(6000);
        assertThat(config.members()).hasSize(2);
        assertThat(config.workers()).isEqualTo(3);
        assertThat(config.taskTimeout()).contains(Duration.ofSeconds(30));
        assertThat(config.workerJvmOptions()).containsExactly("-Xmx1g");
        assertThat(config.secret()).isEqualTo(SECRET);

        Path file = Files.write(dir.resolve("secret"), SECRET);
        assertThat(NodeCommand.parse(new String[] {"--secret-file", file.toString()}, Map.of()).secret())
                .isEqualTo(SECRET);
    }

    @Test
    void theCommandLineNamesEachMistake() {
        Map<String, String> env = Map.of(NodeCommand.SECRET_VARIABLE, "sixteen bytes at least");
        assertThatThrownBy(() -> NodeCommand.parse(new String[] {}, Map.of()))
                .hasMessageContaining(NodeCommand.SECRET_VARIABLE);
        assertThatThrownBy(() -> NodeCommand.parse(new String[] {"--workers"}, env)).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> NodeCommand.parse(new String[] {"--workers", "many"}, env))
                .hasMessageContaining("'many'");
        assertThatThrownBy(() -> NodeCommand.parse(new String[] {"--bind", "localhost"}, env))
                .hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> NodeCommand.parse(new String[] {"--colour", "red"}, env))
                .hasMessageContaining("unknown option --colour");
    }

    @Test
    void mapCutsItsItemsIntoFourChunksPerWorkerAsPythonDoes() {
        assertThat(ClusterPool.defaultChunksize(1000, 3)).isEqualTo(84);
        assertThat(ClusterPool.defaultChunksize(12, 3)).isEqualTo(1);
        assertThat(ClusterPool.defaultChunksize(1, 8)).isEqualTo(1);
        assertThat(List.of(ClusterPool.defaultChunksize(2_000_000, 2))).containsExactly(250_000);
    }
}
