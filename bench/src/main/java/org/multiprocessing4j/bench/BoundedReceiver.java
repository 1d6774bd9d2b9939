package org.multiprocessing4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The warm large-message workload ({@link Workloads#largeMessages(int, int, boolean, boolean)}) in a
 * JVM of its own whose heap is bounded ({@value #HEAP}): each message is a new array for the
 * receiver, and a receiver on the default heap keeps growing its young generation into pages it
 * never touched before, which on this machine costs more than the copies. This separates what the
 * library's transfer costs from what the receiving JVM's heap sizing costs.
 */
public final class BoundedReceiver {
    /** The receiving JVM's heap, the one option it gets beyond the launcher's. */
    static final String HEAP = "-Xmx256m";

    private BoundedReceiver() {}

    /** {@link #HEAP}'s size, as a row's name gives it. */
    static String heapSize() {
        return HEAP.substring("-Xmx".length());
    }

    /**
     * Arguments: message size in bytes, messages per run, {@code pipe} or {@code queue}, runs; prints
     * the best run's MiB/s, after one run more that is not counted, as the bench's own JVM has
     * received as many before its warm row.
     */
    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        boolean usePipe = args[2].equals("pipe");
        int runs = Integer.parseInt(args[3]);
        Workloads.largeMessages(size, n, usePipe, true);
        double best = 0;
        for (int i = 0; i < runs; i++) {
            best = Math.max(best, Workloads.largeMessages(size, n, usePipe, true));
        }
        System.out.println(best);
    }

    /**
     * The best of {@code runs} warm runs of {@code n} messages of {@code size} bytes, in MiB/s,
     * measured by a new JVM with a {@value #HEAP} heap and this JVM's class path.
     */
    static double bestMebibytesPerSecond(int size, int n, boolean usePipe, int runs) throws IOException, InterruptedException {
        List<String> command = Workloads.thisJava(List.of(HEAP, "--enable-native-access=ALL-UNNAMED"),
                BoundedReceiver.class, Integer.toString(size), Integer.toString(n), usePipe ? "pipe" : "queue",
                Integer.toString(runs));
        java.lang.Process receiver = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output;
        try (InputStream out = receiver.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        int status = receiver.waitFor();
        if (status != 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the bounded receiver exited with %d: %s", status, output));
        }
        return Double.parseDouble(output);
    }
}
