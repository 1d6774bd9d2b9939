package org.multiprocessing4j.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The command line of {@link ClusterNode#main}: options to a {@link ClusterConfig}, each problem named. */
final class NodeCommand {
    /** The environment variable that holds the secret, as UTF-8 text, when no file is named. */
    static final String SECRET_VARIABLE = "MULTIPROCESSING4J_CLUSTER_SECRET";

    private NodeCommand() {}

    static ClusterConfig parse(String[] args, Map<String, String> environment) throws IOException {
        ClusterConfig.Builder builder = ClusterConfig.builder();
        List<String> workerOptions = new ArrayList<>();
        byte[] secret = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--cluster" -> builder.clusterName(value);
                case "--bind" -> builder.bind(address(value));
                case "--members" -> builder.members(Arrays.stream(value.split(",")).map(NodeCommand::address).toList());
                case "--workers" -> builder.workers(number(option, value));
                case "--task-timeout" -> builder.taskTimeout(Duration.ofSeconds(number(option, value)));
                case "--worker-jvm-option" -> workerOptions.add(value);
                case "--secret-file" -> secret = Files.readAllBytes(Path.of(value));
                default -> throw new IllegalArgumentException("unknown option " + option + "; the options are --cluster,"
                        + " --bind, --members, --workers, --task-timeout, --worker-jvm-option, --secret-file");
            }
        }
        if (secret == null && environment.get(SECRET_VARIABLE) != null) {
            secret = environment.get(SECRET_VARIABLE).getBytes(StandardCharsets.UTF_8);
        }
        if (secret == null) {
            throw new IllegalArgumentException("a node needs the cluster's secret: set " + SECRET_VARIABLE
                    + " or pass --secret-file");
        }
        return builder.secret(secret).workerJvmOptions(workerOptions).build();
    }

    /** {@code host:port} as an address. */
    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("an address is HOST:PORT, not '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), number("a port", hostPort.substring(colon + 1)));
    }

    private static int number(String what, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " takes a number, not '" + value + "'", e);
        }
    }
}
