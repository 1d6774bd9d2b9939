package org.multiprocessing4j.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.multiprocessing4j.Event;
import org.multiprocessing4j.Pool;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.cluster.internal.Signature;
import org.multiprocessing4j.cluster.internal.TaskRunner;

/**
 * A member of a cluster that runs tasks: a Hazelcast member, and a local {@link Pool} of worker
 * processes that runs the chunks {@link ClusterPool}s send it, with the local pool's process
 * isolation, task timeout and worker replacement. It holds a share of the cluster's data too (the
 * {@link Cluster} primitives), with one synchronous backup on another member.
 *
 * <p>Start one per machine, with the application's classes on its class path:
 * {@code ClusterNode.start(config)} from code, or {@link #main} from a command line. Members find
 * each other by the addresses in {@link ClusterConfig#members()}; a member with another cluster
 * name or secret is refused. {@link #close()} leaves the cluster (the chunks this node held run
 * again elsewhere) and kills the workers.
 */
public final class ClusterNode implements AutoCloseable {
    /** How often {@link #startProcess} checks that a node that is not up yet still runs. */
    private static final Duration READY_POLL = Duration.ofMillis(100);
    /** Finds the class that called into this one: the application, whose classes the workers load. */
    private static final StackWalker CALLERS = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final HazelcastInstance member;
    private final Pool pool;
    private final ClusterConfig config;

    private ClusterNode(HazelcastInstance member, Pool pool, ClusterConfig config) {
        this.member = member;
        this.pool = pool;
        this.config = config;
    }

    /**
     * Starts a node: its workers, then its member, which joins the members it can reach.
     *
     * @param config the cluster, where to listen, and how many workers
     * @return the node, running
     * @throws ClusterException if the member cannot start (its port is taken, say)
     */
    public static ClusterNode start(ClusterConfig config) {
        // The workers load the caller's classes: a single-file program's too.
        Pool.Builder workers = Pool.builder().processes(config.workers()).jvmOptions(config.workerJvmOptions())
                .classPathOf(CALLERS.getCallerClass());
        config.taskTimeout().ifPresent(workers::taskTimeout);
        Pool pool = workers.build();
        com.hazelcast.config.Config settings = HazelcastSettings.member(config);
        settings.setInstanceName("multiprocessing4j-node-" + UUID.randomUUID());
        // Registered first, so that no chunk reaches the member before its pool does.
        TaskRunner.register(settings.getInstanceName(), pool, new Signature(config.secret()));
        try {
            return new ClusterNode(Hazelcast.newHazelcastInstance(settings), pool, config);
        } catch (RuntimeException e) {
            TaskRunner.unregister(settings.getInstanceName());
            pool.terminate();
            throw new ClusterException("cannot start a node of cluster '" + config.clusterName() + "' at "
                    + config.bind() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a node in a child process of this one, and returns once it is up: a cluster on one
     * machine, to try things or to test them. The node runs until the process is terminated (it
     * then leaves the cluster in order) or killed; it is not a daemon, as its workers are its
     * children, so terminate it before the program ends.
     *
     * @param config the node's configuration, its {@link ClusterConfig#bind()} included
     * @return the node's process
     * @throws ClusterException if the node's process ended before the node was up
     * @throws InterruptedException if interrupted while waiting; the process is then terminated
     */
    public static Process startProcess(ClusterConfig config) throws InterruptedException {
        Event up = new Event();
        Process node = new Process(() -> {
            try (ClusterNode ignored = start(config)) {
                up.set();
                Thread.sleep(Long.MAX_VALUE);
            }
        });
        node.setName("ClusterNode-" + config.bind().getPort());
        node.setJvmOptions(HazelcastSettings.NODE_JVM_OPTIONS);
        node.setClassPathOf(CALLERS.getCallerClass()); // as start's workers do
        node.start();
        try {
            while (!up.await(READY_POLL)) {
                if (!node.isAlive()) {
                    throw new ClusterException("the node at " + config.bind() + " exited with code "
                            + node.exitCode().orElse(-1) + " before it was up"
                            + node.startError().map(error -> ": " + error).orElse(" (its error output says why)"), null);
                }
            }
        } catch (InterruptedException e) {
            node.terminate();
            throw e;
        }
        return node;
    }

    /**
     * Runs a node from the command line until the JVM is stopped (SIGTERM or Ctrl-C leave the
     * cluster in order). The secret comes from the environment variable
     * {@value NodeCommand#SECRET_VARIABLE} or from the file {@code --secret-file} names, never from
     * the command line, where {@code ps} would show it.
     *
     * <pre>
     * MULTIPROCESSING4J_CLUSTER_SECRET=... java -cp app.jar:... org.multiprocessing4j.cluster.ClusterNode \
     *     --cluster jobs --bind 10.0.0.1:5701 --members 10.0.0.1:5701,10.0.0.2:5701 --workers 8
     * </pre>
     *
     * @param args {@code --cluster NAME}, {@code --bind HOST:PORT}, {@code --members HOST:PORT,...},
     *     {@code --workers N}, {@code --task-timeout SECONDS}, {@code --worker-jvm-option OPTION}
     *     (repeatable), {@code --secret-file PATH}
     * @throws Exception if the arguments are wrong (the message names the problem) or the node cannot start
     */
    public static void main(String[] args) throws Exception {
        ClusterNode node = start(NodeCommand.parse(args, System.getenv()));
        CountDownLatch left = new CountDownLatch(1);
        node.member.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                left.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "multiprocessing4j-node-exit"));
        InetSocketAddress address = node.address();
        int workers = node.config.workers();
        System.out.println("node " + address.getHostString() + ":" + address.getPort() + " of cluster '"
                + node.config.clusterName() + "' is up with " + workers + (workers == 1 ? " worker; " : " workers; ")
                + node.members() + " members in the cluster");
        left.await();
    }

    /**
     * The primitives of this node's cluster, used through this member; closing it leaves the node running.
     *
     * @return the cluster's primitives
     */
    public Cluster cluster() {
        return new Cluster(member, false);
    }

    /**
     * Where this node listens.
     *
     * @return its address and port
     */
    public InetSocketAddress address() {
        return member.getCluster().getLocalMember().getSocketAddress();
    }

    /**
     * How many members the cluster has now, this one included.
     *
     * @return the count
     */
    public int members() {
        return member.getCluster().getMembers().size();
    }

    /** Leaves the cluster and kills this node's workers; the chunks it held run again elsewhere. */
    @Override
    public void close() {
        TaskRunner.unregister(member.getName());
        member.shutdown();
        pool.terminate();
    }

    @Override
    public String toString() {
        return "<ClusterNode " + config.clusterName() + " at " + config.bind() + ", " + config.workers() + " workers>";
    }
}
