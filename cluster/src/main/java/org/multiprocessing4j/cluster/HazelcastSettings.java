package org.multiprocessing4j.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.multiprocessing4j.cluster.internal.Dispatcher;
import org.multiprocessing4j.cluster.internal.Signature;
import org.multiprocessing4j.cluster.internal.TaskRunner;

/**
 * The Hazelcast configurations of a {@link ClusterConfig}: a member on one interface, joining by
 * TCP/IP only (no multicast, no cloud discovery), under the secret-derived name; and a client of it.
 * The timings are shortened for a cluster of task runners: a member that stops answering is out
 * within seconds, and a client's locks are freed a second after it goes.
 */
final class HazelcastSettings {
    /** The attribute by which a member says how many workers it runs tasks in. */
    static final String WORKERS_ATTRIBUTE = "multiprocessing4j.workers";
    /** Executor threads per worker: one waits on each task in flight, as many as a client sends, and two spare. */
    private static final int EXECUTOR_THREADS_PER_WORKER = Dispatcher.SINGLE_TASKS_IN_FLIGHT_PER_WORKER + 2;
    /** Hazelcast logs much at INFO; a node shows warnings unless the user configured its logging. */
    private static final Logger HAZELCAST_LOGGER = Logger.getLogger("com.hazelcast");

    /**
     * The JVM options a node's own process gets when this library starts it
     * ({@link ClusterNode#startProcess}): those Hazelcast asks for (it warns at start without them,
     * and runs slower); leave to use {@code sun.misc.Unsafe}, which JDK 25 warns of; and a common
     * pool of two threads at least, since on a machine of two cores or fewer the JDK makes it a
     * new thread per task, and Hazelcast completes every invocation's future there (twice the CPU
     * per task, measured here).
     */
    static final List<String> NODE_JVM_OPTIONS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + Math.max(2,
                    Runtime.getRuntime().availableProcessors() - 1));

    private HazelcastSettings() {}

    static Config member(ClusterConfig config) {
        quietLogging();
        Signature signature = new Signature(config.secret());
        Config member = new Config();
        member.setClusterName(signature.joinName(config.clusterName()));
        commonProperties(member::setProperty);
        member.setProperty("hazelcast.socket.bind.any", "false");
        member.setProperty("hazelcast.wait.seconds.before.join", "0");
        member.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        member.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        member.setProperty("hazelcast.client.cleanup.period.millis", "1000");
        member.setProperty("hazelcast.client.cleanup.timeout.millis", "1000");
        member.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
        InetSocketAddress bind = config.bind();
        NetworkConfig network = member.getNetworkConfig();
        network.setPort(bind.getPort()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(bind.getAddress().getHostAddress());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(hostPorts(config.members().isEmpty()
                ? List.of(bind) : config.members()));
        member.getMemberAttributeConfig().setAttribute(WORKERS_ATTRIBUTE, Integer.toString(config.workers()));
        member.addExecutorConfig(new ExecutorConfig(TaskRunner.EXECUTOR)
                .setPoolSize(EXECUTOR_THREADS_PER_WORKER * config.workers()).setStatisticsEnabled(false));
        return member;
    }

    static ClientConfig client(ClusterConfig config) {
        quietLogging();
        ClientConfig client = new ClientConfig();
        client.setClusterName(new Signature(config.secret()).joinName(config.clusterName()));
        commonProperties(client::setProperty);
        long timeoutMillis = config.connectTimeout().toMillis();
        client.setProperty("hazelcast.client.invocation.timeout.seconds",
                Long.toString(Math.max(1, config.connectTimeout().toSeconds())));
        client.setProperty("hazelcast.client.heartbeat.timeout", Long.toString(Math.max(2000, timeoutMillis)));
        client.setProperty("hazelcast.client.heartbeat.interval", "1000");
        client.getNetworkConfig().setAddresses(hostPorts(config.contactPoints()))
                .setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        client.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(timeoutMillis).setInitialBackoffMillis(100).setMaxBackoffMillis(1000);
        return client;
    }

    /**
     * A client of the cluster, connected.
     *
     * @throws ClusterException if no member accepted it within the connect timeout
     */
    static HazelcastInstance newClient(ClusterConfig config) {
        try {
            return HazelcastClient.newHazelcastClient(client(config));
        } catch (IllegalStateException e) {
            throw new ClusterException("no member of cluster '" + config.clusterName() + "' at "
                    + config.contactPoints() + " accepted this client within " + config.connectTimeout().toMillis()
                    + " ms: is a node running there, and do they share this client's cluster name and secret?", e);
        }
    }

    private interface PropertySetter {
        Object set(String name, String value);
    }

    private static void commonProperties(PropertySetter setter) {
        setter.set("hazelcast.logging.type", "jdk");
        setter.set("hazelcast.phone.home.enabled", "false");
    }

    private static List<String> hostPorts(List<InetSocketAddress> addresses) {
        return addresses.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList();
    }

    private static void quietLogging() {
        if (HAZELCAST_LOGGER.getLevel() == null && System.getProperty("java.util.logging.config.file") == null) {
            HAZELCAST_LOGGER.setLevel(Level.WARNING);
        }
    }
}
