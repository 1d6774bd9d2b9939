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
import java.util.function.BooleanSupplier;

/**
 * What a spare JVM does while it waits, after {@link org.multiprocessing4j.internal.shm.SharedMemoryWarmUp},
 * so that a target's first lines of output do not pay it: most targets print what they did, and
 * the first {@code String.format} in a JVM initializes the JDK's formatter and the default locale's
 * data, the first string concatenation the JDK's {@link StringConcatFactory} (this library compiles
 * its own concatenations without it, so nothing else here initializes it), the first local date or
 * time the default time zone's rules and the first date-time format the JDK's formatters, and the
 * first line printed the encoder behind {@code System.out}. Measured in PRESPAWN children whose
 * target concatenated, formatted and printed one line each: 2-6 ms, 13-24 ms and 0.5-1.2 ms, on a
 * start-join of 28-47 ms, against 7-13 ms for an empty target; one whose target read the local
 * time and formatted it: 7-13 ms and 4-8 ms, on a start-join of 23-39 ms.
 *
 * <p>Nothing reaches the spare's output, which is its parent's: the line goes to a stream that
 * discards it, with the charset of {@code System.out}. A concatenation site still makes its own
 * class at its first use, as in any JVM.
 */
final class FormattingWarmUp {
    /** A recipe of StringConcatFactory: a constant, then each argument after a space. */
    private static final String RECIPE = "warm-up \u0001 \u0001 \u0001";
    private static final MethodType CONCATENATION =
            MethodType.methodType(String.class, String.class, long.class, double.class);

    private FormattingWarmUp() {}

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
