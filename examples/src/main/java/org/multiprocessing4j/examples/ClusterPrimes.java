package org.multiprocessing4j.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.cluster.ClusterConfig;
import org.multiprocessing4j.cluster.ClusterNode;
import org.multiprocessing4j.cluster.ClusterPool;

/**
 * Counts primes in ranges of numbers on the nodes of a cluster: the same {@code map} as a local
 * pool's, run by other machines. As with Ray's {@code ray.util.multiprocessing.Pool}:
 *
 * <pre>
 * pool = Pool(ray_address="auto")
 * counts = pool.map(count_primes, ranges)
 * </pre>
 *
 * <p>{@code ClusterPrimes HOST:PORT ...} connects to nodes already running, started with
 * {@code ClusterNode --cluster primes ...}; both take the secret from the environment variable
 * {@code MULTIPROCESSING4J_CLUSTER_SECRET}. {@code ClusterPrimes --local N} first starts N nodes
 * on 127.0.0.1 as child processes, to try it on one machine.
 */
public final class ClusterPrimes {
    private static final String SECRET_VARIABLE = "MULTIPROCESSING4J_CLUSTER_SECRET";
    private static final int RANGES = 40;
    private static final int RANGE_SIZE = 50_000;

    private ClusterPrimes() {}

    public static void main(String[] args) throws Exception {
        List<Process> localNodes = new ArrayList<>();
        ClusterConfig config;
        if (args.length == 2 && args[0].equals("--local")) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            config = startLocalNodes(Integer.parseInt(args[1]), secret, localNodes);
        } else {
            String secret = System.getenv(SECRET_VARIABLE);
            if (secret == null || args.length == 0) {
                System.err.println("usage: " + SECRET_VARIABLE + "=... ClusterPrimes HOST:PORT ...  |  ClusterPrimes --local N");
                System.exit(2);
            }
            List<InetSocketAddress> members = new ArrayList<>();
            for (String member : args) {
                int colon = member.lastIndexOf(':');
                members.add(new InetSocketAddress(member.substring(0, colon), Integer.parseInt(member.substring(colon + 1))));
            }
            config = ClusterConfig.builder().clusterName("primes").secret(secret.getBytes(StandardCharsets.UTF_8))
                    .members(members).build();
        }
        try (ClusterPool pool = ClusterPool.connect(config)) {
            List<Integer> starts = IntStream.range(0, RANGES).map(i -> i * RANGE_SIZE).boxed().toList();
            List<Integer> counts = pool.map(start -> countPrimes(start, start + RANGE_SIZE), starts);
            System.out.println("primes below " + RANGES * RANGE_SIZE + ": " + counts.stream().mapToInt(c -> c).sum()
                    + ", counted by " + pool.workers() + " workers");
        } finally {
            for (Process node : localNodes) {
                node.terminate();
                node.join();
            }
        }
    }

    private static int countPrimes(int from, int to) {
        int count = 0;
        for (int n = Math.max(2, from); n < to; n++) {
            boolean prime = true;
            for (int d = 2; (long) d * d <= n && prime; d++) {
                prime = n % d != 0;
            }
            count += prime ? 1 : 0;
        }
        return count;
    }

    /** Starts {@code count} nodes of one worker on 127.0.0.1, on free ports, each a child process. */
    private static ClusterConfig startLocalNodes(int count, byte[] secret, List<Process> nodes)
            throws InterruptedException, IOException {
        List<InetSocketAddress> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                members.add(new InetSocketAddress("127.0.0.1", free.getLocalPort()));
            }
        }
        ClusterConfig config = ClusterConfig.builder().clusterName("primes").secret(secret).members(members)
                .workers(1).build();
        for (InetSocketAddress member : members) {
            nodes.add(ClusterNode.startProcess(config.toBuilder().bind(member).build()));
        }
        return config;
    }
}
