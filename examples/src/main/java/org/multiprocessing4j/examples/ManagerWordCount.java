package org.multiprocessing4j.examples;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import org.multiprocessing4j.Manager;
import org.multiprocessing4j.Pool;
import org.multiprocessing4j.Process;

/**
 * Pool workers count words into one dict held by a manager, and a client that could run on another
 * machine reads it over TCP with nothing but the address and the key.
 *
 * <pre>
 * counts = {}
 * class CountManager(BaseManager): pass
 * CountManager.register('counts', callable=lambda: counts)
 * with CountManager(address=('127.0.0.1', 0), authkey=key) as manager:
 *     with Pool(2) as pool:
 *         pool.map(partial(count_words, manager.counts()), lines)
 *     # elsewhere: m = CountManager(address, authkey=key); m.connect(); print(m.counts())
 * </pre>
 */
public final class ManagerWordCount {
    private static final List<String> LINES = List.of(
            "the quick brown fox", "jumps over the lazy dog", "the dog sleeps", "and the fox runs");

    private ManagerWordCount() {}

    public static void main(String[] args) throws Exception {
        byte[] key = "an example's key: make a random one".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        InetSocketAddress anyPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (Manager manager = Manager.serve(anyPort, key)) {
            ConcurrentMap<String, Integer> table = new ConcurrentHashMap<>();
            manager.register("counts", ConcurrentMap.class, () -> table); // every proxy reaches this one map
            @SuppressWarnings("unchecked")
            ConcurrentMap<String, Integer> counts = manager.create("counts", ConcurrentMap.class);
            BiFunction<Integer, Integer, Integer> add = (BiFunction<Integer, Integer, Integer> & Serializable) Integer::sum;
            try (Pool pool = new Pool(2)) {
                pool.map(line -> {
                    for (String word : line.split(" ")) {
                        counts.merge(word, 1, add); // atomic on the server
                    }
                    return null;
                }, LINES);
            }
            InetSocketAddress address = manager.address();
            Process elsewhere = new Process(() -> {
                Manager remote = Manager.connect(address, key);
                @SuppressWarnings("unchecked")
                Map<String, Integer> seen = remote.create("counts", ConcurrentMap.class);
                new TreeMap<>(seen).forEach((word, count) -> System.out.println(word + ": " + count));
            });
            elsewhere.start();
            elsewhere.join();
        }
    }
}
