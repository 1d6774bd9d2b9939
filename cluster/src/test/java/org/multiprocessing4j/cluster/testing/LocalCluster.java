package org.multiprocessing4j.cluster.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.cluster.Cluster;
import org.multiprocessing4j.cluster.ClusterConfig;
import org.multiprocessing4j.cluster.ClusterNode;
import org.multiprocessing4j.cluster.ClusterPool;

/**
 * A cluster of nodes on 127.0.0.1 for a test, each node a child process of the test's JVM (so that
 * a test can SIGKILL one), each with its own port, under a fresh name and secret. A node has
 * children (its workers), so it cannot be a daemon process: {@link #close()} stops the nodes, and
 * if the test's JVM is killed first, the library kills its descendants.
 */
public final class LocalCluster implements AutoCloseable {
    private final ClusterConfig config;
    private final List<Process> nodes = new ArrayList<>();
    /** The clients this cluster connected for its test, closed with it. */
    private final List<AutoCloseable> clients = new ArrayList<>();

    private LocalCluster(ClusterConfig config) {
        this.config = config;
    }

    /**
     * Starts {@code members} nodes of {@code workers} workers each, side by side, and waits until
     * every one is up.
     *
     * @param tweak changes to the configuration the nodes and clients share
     */
    public static LocalCluster start(int members, int workers, UnaryOperator<ClusterConfig.Builder> tweak)
            throws InterruptedException {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            addresses.add(new InetSocketAddress("127.0.0.1", freePort()));
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        LocalCluster cluster = new LocalCluster(tweak.apply(ClusterConfig.builder()
                .clusterName("test-" + UUID.randomUUID().toString().substring(0, 8)).secret(secret)
                .members(addresses).workers(workers).connectTimeout(Duration.ofSeconds(10))).build());
        List<Callable<Process>> starts = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            starts.add(() -> ClusterNode.startProcess(cluster.config.toBuilder().bind(address).build()));
        }
        ExecutorService starters = Executors.newFixedThreadPool(members);
        Throwable failed = null;
        try {
            for (Future<Process> started : starters.invokeAll(starts)) {
                try {
                    cluster.nodes.add(started.get());
                } catch (ExecutionException e) {
                    failed = e.getCause();
                }
            }
        } finally {
            starters.shutdownNow();
        }
        if (failed != null) {
            cluster.close();
            throw new IllegalStateException("a node did not start", failed);
        }
        return cluster;
    }

    /** A pool connected to this cluster, terminated by {@link #close()}. */
    public ClusterPool pool() {
        ClusterPool pool = ClusterPool.connect(config);
        clients.add(pool::terminate);
        return pool;
    }

    /** The cluster's objects, through a client that {@link #close()} disconnects. */
    public Cluster objects() {
        Cluster objects = Cluster.connect(config);
        clients.add(objects);
        return objects;
    }

    /** The configuration of a client of this cluster. */
    public ClusterConfig config() {
        return config;
    }

    /** The process of node {@code i}. */
    public Process node(int i) {
        return nodes.get(i);
    }

    /**
     * Disconnects its clients, then stops every node, killing any that does not stop within 10 s;
     * an interrupt is kept for after.
     */
    @Override
    public void close() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        for (Process node : nodes) {
            if (node.isAlive()) {
                node.terminate();
            }
        }
        boolean interrupted = Thread.interrupted();
        for (Process node : nodes) {
            try {
                node.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (node.isAlive()) {
                node.kill();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A port no one listens on now, on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
