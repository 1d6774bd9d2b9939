package org.multiprocessing4j.internal.launch;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.StringConcatException;
import java.lang.invoke.StringConcatFactory;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a spare JVM does while it waits, after {@link org.multiprocessing4j.internal.shm.SharedMemoryWarmUp},
 * so that a target's first lines do not pay it: the JDK's facilities that most targets use first,
 * each of which a fresh JVM initializes at its first use. The first {@code String.format}
 * initializes the JDK's formatter and the default locale's data; the first string concatenation the
 * JDK's {@link StringConcatFactory} (this library compiles its own concatenations without it, so
 * nothing else here initializes it); the first local date or time the default time zone's rules,
 * and the first date-time format the JDK's formatters; the first line printed the encoder behind
 * {@code System.out}; the first streams the stream pipeline's classes and their own lambdas.
 * Measured in PRESPAWN children, without this and with it:
 *
 * <ul>
 *   <li>a target that concatenated, formatted and printed one line each: 2-6 ms, 13-24 ms and
 *       0.5-1.2 ms, against 0.8-2.7, 0.1-0.2 and 0.1 ms; its start-join 28-47 ms, against 8-13
 *       (an empty target's: 7-10 ms either way);
 *   <li>one that read the local time and formatted it: 7-13 ms and 4-8 ms, against 0.03 and
 *       0.05 ms; its start-join 23-39 ms, against 7-9;
 *   <li>one that summed an {@code IntStream} and collected a filtered list: 1-2 ms and 1.4-2.5 ms,
 *       against 0.3-1.7 and 0.3-0.9 ms.
 * </ul>
 *
 * <p>Nothing reaches the spare's output, which is its parent's: what it prints goes to a stream
 * that discards it, with the charset of {@code System.out}. A concatenation site and a lambda of
 * the target still make their own classes at their first use, as in any JVM.
 */
final class TargetWarmUp {
    /** A recipe of StringConcatFactory: a constant, then each argument after a space. */
    private static final String RECIPE = "warm-up \u0001 \u0001 \u0001";
    private static final MethodType CONCATENATION =
            MethodType.methodType(String.class, String.class, long.class, double.class);

    private TargetWarmUp() {}

    /** Does each step unless {@code taskCame} says, before it, that the spare's task has come. */
    static void exercise(BooleanSupplier taskCame) {
        if (taskCame.getAsBoolean()) {
            return;
        }
        String formatted = String.format("%d %s %.2f %x%n", 1, "s", 1.5, 1);
        if (taskCame.getAsBoolean()) {
            return;
        }
        String concatenated = concatenate(formatted);
        if (taskCame.getAsBoolean()) {
            return;
        }
        String now = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME);
        if (taskCame.getAsBoolean()) {
            return;
        }
        PrintStream discarding = new PrintStream(OutputStream.nullOutputStream(), true, System.out.charset());
        discarding.println(concatenated + now);
        if (taskCame.getAsBoolean()) {
            return;
        }
        int sum = IntStream.range(0, 2).map(Math::abs).sum();
        List<String> empty = List.of(formatted, now).stream().filter(String::isEmpty).collect(Collectors.toList());
        discarding.println(sum + empty.size());
    }

    /** {@code text} joined to a long and a double as {@code javac} joins them with {@code +}. */
    private static String concatenate(String text) {
        try {
            CallSite site = StringConcatFactory.makeConcatWithConstants(MethodHandles.lookup(), "concat",
                    CONCATENATION, RECIPE);
            return (String) site.dynamicInvoker().invokeExact(text, 1L, 1.5);
        } catch (StringConcatException e) {
            return text; // the task's first concatenation reports it, as in a JVM that was not prepared
        } catch (Throwable impossible) {
            throw new AssertionError("a concatenation of a String, a long and a double threw", impossible);
        }
    }
}
