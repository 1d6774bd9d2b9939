package org.multiprocessing4j.cluster;

import java.io.Serial;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.multiprocessing4j.Multiprocessing;

/**
 * Where a cluster is and how to join it: its name, its secret, the addresses of its members, where
 * a node listens, and how a node runs tasks. Immutable; {@link Serializable}, so a child process
 * can be handed it (the secret travels with it: hand it only to your own processes).
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.builder()
 *     .clusterName("jobs").secret(key)
 *     .members(List.of(new InetSocketAddress("10.0.0.1", 5701), new InetSocketAddress("10.0.0.2", 5701)))
 *     .build();
 * }</pre>
 *
 * <p>The secret keeps strangers out in two ways, as far as Hazelcast's open-source edition allows
 * (it has neither TLS nor member authentication): the name members and clients present when they
 * join is derived from the secret, so that a process without it never joins, by accident or by
 * guessing; and every task carries an HMAC-SHA256 of its bytes under the secret, which a node
 * checks before it deserializes anything of it. Traffic is not encrypted: run a cluster on a
 * network you trust.
 */
public final class ClusterConfig implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The cluster name when none is given. */
    public static final String DEFAULT_NAME = "multiprocessing4j";
    /** Hazelcast's port, where a node listens when no other is given. */
    public static final int DEFAULT_PORT = 5701;
    /** The shortest secret accepted, in bytes: 128 bits. */
    public static final int MIN_SECRET_BYTES = 16;
    /** How long a client waits for the cluster when none is given. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The cluster's name, as the user gave it. */
    private final String clusterName;
    /** The shared secret; never shown. */
    private final byte[] secret;
    /** The addresses to join or connect to. */
    private final List<InetSocketAddress> members;
    /** Where a node listens. */
    private final InetSocketAddress bind;
    /** A node's worker processes. */
    private final int workers;
    /** The JVM options of a node's workers. */
    private final List<String> workerJvmOptions;
    /** How long a chunk may run on a node; null for ever. */
    private final Duration taskTimeout;
    /** How long a client waits for the cluster. */
    private final Duration connectTimeout;

    private ClusterConfig(Builder builder) {
        this.clusterName = builder.clusterName;
        this.secret = builder.secret.clone();
        this.members = List.copyOf(builder.members);
        this.bind = builder.bind;
        this.workers = builder.workers;
        this.workerJvmOptions = List.copyOf(builder.workerJvmOptions);
        this.taskTimeout = builder.taskTimeout;
        this.connectTimeout = builder.connectTimeout;
    }

    /**
     * A builder with the defaults: cluster {@value #DEFAULT_NAME}, a node on 127.0.0.1:{@value #DEFAULT_PORT},
     * {@link Multiprocessing#cpuCount()} workers, no task timeout, and a connect timeout of 10 s. The
     * secret has no default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from this configuration: the same cluster, for another node, say.
     *
     * @return a builder with this configuration's settings
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.clusterName = clusterName;
        builder.secret = secret.clone();
        builder.members = members;
        builder.bind = bind;
        builder.workers = workers;
        builder.workerJvmOptions = workerJvmOptions;
        builder.taskTimeout = taskTimeout;
        builder.connectTimeout = connectTimeout;
        return builder;
    }

    /**
     * The cluster's name, as given (members join under a name derived from it and the secret).
     *
     * @return the name
     */
    public String clusterName() {
        return clusterName;
    }

    /**
     * The addresses a node joins and a client connects to; a client with none connects to {@link #bind()}.
     *
     * @return the addresses, possibly empty
     */
    public List<InetSocketAddress> members() {
        return members;
    }

    /**
     * Where a node listens.
     *
     * @return the address and port
     */
    public InetSocketAddress bind() {
        return bind;
    }

    /**
     * How many worker processes a node runs tasks in.
     *
     * @return the workers of a node
     */
    public int workers() {
        return workers;
    }

    /**
     * The JVM options of a node's workers.
     *
     * @return the options, possibly empty
     */
    public List<String> workerJvmOptions() {
        return workerJvmOptions;
    }

    /**
     * How long a chunk of work (what a worker runs at once) may run on a node before its worker is
     * killed and the chunk fails with a {@link java.util.concurrent.TimeoutException} cause.
     *
     * @return the timeout, or empty for none
     */
    public Optional<Duration> taskTimeout() {
        return Optional.ofNullable(taskTimeout);
    }

    /**
     * How long a client waits for the cluster: to connect at first, and to reconnect, or to find a
     * node that runs tasks, before its calls fail with {@link ClusterException}.
     *
     * @return the timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The secret, for this package's use: it is never shown. */
    byte[] secret() {
        return secret.clone();
    }

    /** The addresses a client tries: the members, or else where a node would listen. */
    List<InetSocketAddress> contactPoints() {
        return members.isEmpty() ? List.of(bind) : members;
    }

    @Override
    public String toString() {
        return "ClusterConfig[name=" + clusterName + ", members=" + members + ", bind=" + bind + ", workers="
                + workers + "]";
    }

    /** The settings of a {@link ClusterConfig}; {@link #secret(byte[])} is required. */
    public static final class Builder {
        private String clusterName = DEFAULT_NAME;
        private byte[] secret;
        private List<InetSocketAddress> members = List.of();
        private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", DEFAULT_PORT);
        private int workers = Multiprocessing.cpuCount();
        private List<String> workerJvmOptions = List.of();
        private Duration taskTimeout;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

        private Builder() {}

        /**
         * The cluster's name: nodes and clients of one cluster give the same.
         *
         * @param name 1 to 64 letters, digits, dots, dashes and underscores
         * @return this builder
         * @throws IllegalArgumentException if the name has other characters, or none, or too many
         */
        public Builder clusterName(String name) {
            if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
                throw new IllegalArgumentException("a cluster name is 1 to 64 letters, digits, '.', '-' or '_', not '"
                        + name + "'");
            }
            this.clusterName = name;
            return this;
        }

        /**
         * The secret every node and client of the cluster shares.
         *
         * @param key at least {@value #MIN_SECRET_BYTES} bytes; copied
         * @return this builder
         * @throws IllegalArgumentException if the key is shorter
         */
        public Builder secret(byte[] key) {
            if (Objects.requireNonNull(key, "key").length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("a cluster secret needs at least " + MIN_SECRET_BYTES
                        + " bytes, and this one has " + key.length);
            }
            this.secret = key.clone();
            return this;
        }

        /**
         * The addresses of members to join (a node) or connect to (a client). A node's own address
         * may be among them.
         *
         * @param addresses the addresses
         * @return this builder
         */
        public Builder members(List<InetSocketAddress> addresses) {
            this.members = List.copyOf(addresses);
            return this;
        }

        /**
         * Where a node listens: an address of one of this machine's interfaces (not the wildcard)
         * and a port.
         *
         * @param address the address
         * @return this builder
         * @throws IllegalArgumentException if the address is unresolved or the wildcard
         */
        public Builder bind(InetSocketAddress address) {
            if (address.isUnresolved() || address.getAddress().isAnyLocalAddress()) {
                throw new IllegalArgumentException("a node binds to one interface's address, not " + address);
            }
            this.bind = address;
            return this;
        }

        /**
         * How many worker processes a node runs tasks in.
         *
         * @param count at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is less than 1
         */
        public Builder workers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a node needs at least 1 worker, not " + count);
            }
            this.workers = count;
            return this;
        }

        /**
         * The JVM options of a node's workers, such as {@code -Xmx2g}.
         *
         * @param options the options
         * @return this builder
         */
        public Builder workerJvmOptions(List<String> options) {
            this.workerJvmOptions = List.copyOf(options);
            return this;
        }

        /**
         * How long a chunk of work may run on a node; see {@link ClusterConfig#taskTimeout()}.
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder taskTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a task timeout must be positive, not " + timeout);
            }
            this.taskTimeout = timeout;
            return this;
        }

        /**
         * How long a client waits for the cluster; see {@link ClusterConfig#connectTimeout()}.
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a connect timeout must be positive, not " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * The configuration.
         *
         * @return the configuration
         * @throws IllegalStateException if no secret was given
         */
        public ClusterConfig build() {
            if (secret == null) {
                throw new IllegalStateException("a cluster needs a secret: ClusterConfig.builder().secret(key), with at"
                        + " least " + MIN_SECRET_BYTES + " bytes that every node and client shares");
            }
            return new ClusterConfig(this);
        }
    }
}
