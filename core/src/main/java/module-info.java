/**
 * multiprocessing4j: Python's {@code multiprocessing} module in Java.
 *
 * <p>Grant native access to this module alone with
 * {@code --enable-native-access=org.multiprocessing4j}.
 */
module org.multiprocessing4j {
    requires jdk.net; // TCP keep-alive timings, so a manager client finds a vanished server
    requires jdk.unsupported; // sun.misc.Signal, to tell a signalled child from an exiting one

    exports org.multiprocessing4j;
    exports org.multiprocessing4j.function;
}
