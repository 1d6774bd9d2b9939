package org.multiprocessing4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.cluster.testing.LocalCluster;
import org.multiprocessing4j.testing.JavaProgram;

/**
 * A single-file program, whose classes exist only in its JVM's memory, runs a cluster of its own:
 * a node in its JVM and one in a child process, whose workers all load the program's own record.
 */
@Timeout(150)
class ClusterLaunchPathsTest {
    private static final Duration PROGRAM_LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aSingleSourceFileProgramsRecordsReachTheWorkersOfItsNodes() throws Exception {
        Path source = dir.resolve("Nodes.java");
        Files.writeString(source, """
                import java.net.InetSocketAddress;
                import java.util.List;
                import org.multiprocessing4j.cluster.ClusterConfig;
                import org.multiprocessing4j.cluster.ClusterNode;
                import org.multiprocessing4j.cluster.ClusterPool;

                record Item(String node) implements java.io.Serializable {}

                void main(String[] args) throws Exception {
                    List<InetSocketAddress> members = List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])),
                            new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])));
                    ClusterConfig config = ClusterConfig.builder().secret("a single file's own secret".getBytes())
                            .members(members).workers(1).build();
                    var far = ClusterNode.startProcess(config.toBuilder().bind(members.get(1)).build());
                    try (ClusterNode near = ClusterNode.start(config.toBuilder().bind(members.get(0)).build());
                            ClusterPool pool = ClusterPool.connect(config)) {
                        List<Item> items = pool.map(i -> {
                            Thread.sleep(100);
                            return new Item(Long.toString(ProcessHandle.current().parent().orElseThrow().pid()));
                        }, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 1);
                        IO.println(items.size() + " items from " + items.stream().map(Item::node).distinct().count() + " nodes");
                    } finally {
                        far.terminate();
                        far.join();
                    }
                }
                """);
        String classPath = String.join(File.pathSeparator, Stream.of(Process.class, ClusterNode.class,
                HazelcastInstance.class).map(ClusterLaunchPathsTest::codeLocation).toList());
        try (JavaProgram program = JavaProgram.run(List.of(JavaProgram.jdkTool("java"), "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath, source.toString(), Integer.toString(LocalCluster.freePort()),
                Integer.toString(LocalCluster.freePort())))) {
            assertThat(program.waitFor(PROGRAM_LIMIT)).as(program.stderr()).isZero();
            assertThat(program.output()).containsExactly("10 items from 2 nodes");
        }
    }

    private static String codeLocation(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
