package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multiprocessing4j.internal.channel.AuthKey;

/**
 * A proxy's call and the caller's interrupt, on a manager on this machine and on one reached over
 * TCP: a call whose method has no interruption in its contract waits for its reply and keeps the
 * status, as {@code Map.get} on a local map would; a method that declares
 * {@link InterruptedException} is interrupted where it runs, on the server. CPython has no such
 * thing to port: its proxies are not interruptible, and an interrupt in a call leaves the
 * connection out of step.
 */
@Timeout(60)
class ManagerInterruptTest {
    private static final Duration SLOW = Duration.ofMillis(100);
    private static Manager local;
    private static Manager served;
    private static Manager remote;

    enum Reached { ON_THIS_MACHINE, OVER_TCP }

    @BeforeAll
    static void start() throws Exception {
        local = Manager.start();
        byte[] key = AuthKey.randomBytes(32);
        served = Manager.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), key);
        remote = Manager.connect(served.address(), key);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        local.shutdown();
        served.shutdown();
    }

    private static Manager manager(Reached way) {
        return way == Reached.ON_THIS_MACHINE ? local : remote;
    }

    /** An object on the server whose methods take their time or wait for an item. */
    public interface Mailbox {
        /** Returns {@code text} after {@link #SLOW}, whatever interrupts the server's thread. */
        String slowEcho(String text);

        void put(String item);

        /** Waits for an item; interruptible. */
        String take() throws InterruptedException;
    }

    /** A mailbox that signals {@code entered} when a call has reached it. */
    public static final class RealMailbox implements Mailbox {
        private final BlockingQueue<String> items = new LinkedBlockingQueue<>();
        private final Event entered;

        RealMailbox(Event entered) {
            this.entered = entered;
        }

        @Override
        public String slowEcho(String text) {
            entered.set();
            long end = System.nanoTime() + SLOW.toNanos();
            boolean interrupted = false;
            while (System.nanoTime() < end) {
                try {
                    TimeUnit.NANOSECONDS.sleep(end - System.nanoTime());
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                throw new AssertionError("a call with no interruption in its contract was interrupted on the server");
            }
            return text;
        }

        @Override
        public void put(String item) {
            items.add(item);
        }

        @Override
        public String take() throws InterruptedException {
            entered.set();
            return items.take();
        }
    }

    private static Mailbox mailbox(Reached way, Event entered) {
        Manager manager = manager(way);
        manager.register("Mailbox", Mailbox.class, () -> new RealMailbox(entered));
        return manager.create("Mailbox", Mailbox.class);
    }

    @ParameterizedTest
    @EnumSource(Reached.class)
    void aCallFromAnInterruptedThreadGetsItsReplyAndKeepsTheStatus(Reached way) throws Exception {
        Mailbox mailbox = mailbox(way, new Event());
        ConcurrentMap<String, Integer> dict = manager(way).dict();
        CompletableFuture<Boolean> statusAfter = CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().interrupt();
            assertThat(mailbox.slowEcho("slow")).isEqualTo("slow");
            dict.put("k", 1);
            assertThat(dict.get("k")).isEqualTo(1);
            return Thread.currentThread().isInterrupted();
        }, runnable -> new Thread(runnable).start());
        assertThat(statusAfter.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Reached.class)
    void anInterruptDuringACallWithNoInterruptionInItsContractIsKeptForAfterTheReply(Reached way) throws Exception {
        interruptDuringASlowCall(way, Thread.ofPlatform());
    }

    @ParameterizedTest
    @EnumSource(Reached.class)
    void soInAVirtualThread(Reached way) throws Exception {
        interruptDuringASlowCall(way, Thread.ofVirtual());
    }

    private static void interruptDuringASlowCall(Reached way, Thread.Builder threads) throws Exception {
        Event entered = new Event();
        Mailbox mailbox = mailbox(way, entered);
        CompletableFuture<String> reply = new CompletableFuture<>();
        Thread caller = threads.unstarted(() -> {
            String echoed = mailbox.slowEcho("slow");
            mailbox.put("still in step");
            reply.complete(Thread.currentThread().isInterrupted() + " " + echoed + ", " + mailbox.slowEcho("after"));
        });
        caller.start();
        entered.await();
        caller.interrupt();
        assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("true slow, after");
    }

    @ParameterizedTest
    @EnumSource(Reached.class)
    void aBlockingMethodThatDeclaresInterruptedExceptionIsInterruptedOnTheServer(Reached way) throws Exception {
        Event entered = new Event();
        Mailbox mailbox = mailbox(way, entered);
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<String> next = new CompletableFuture<>();
        Thread taker = new Thread(() -> {
            try {
                thrown.complete(new AssertionError("took " + mailbox.take()));
            } catch (InterruptedException e) {
                thrown.complete(Thread.currentThread().isInterrupted() ? new AssertionError("status kept") : e);
            }
            try {
                next.complete(mailbox.take());
            } catch (InterruptedException e) {
                next.completeExceptionally(e);
            }
        });
        taker.start();
        entered.await();
        taker.interrupt();
        assertThat(thrown.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        mailbox.put("the first item");
        assertThat(next.get(5, TimeUnit.SECONDS)).as("the interrupted take took nothing, and the connection is in step")
                .isEqualTo("the first item");
    }

    @ParameterizedTest
    @EnumSource(Reached.class)
    void anInterruptibleMethodCalledWithTheStatusSetThrowsAndTakesNothing(Reached way) throws Exception {
        Mailbox mailbox = mailbox(way, new Event());
        mailbox.put("waiting");
        CompletableFuture<String> outcome = CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().interrupt();
            try {
                return "took " + mailbox.take();
            } catch (InterruptedException e) {
                try {
                    return "interrupted, status " + Thread.currentThread().isInterrupted() + ", then took " + mailbox.take();
                } catch (InterruptedException again) {
                    return "interrupted twice";
                }
            }
        }, runnable -> new Thread(runnable).start());
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted, status false, then took waiting");
    }
    @org.junit.jupiter.api.Test
    void connectingIsInterruptibleAsANetworkCallThatThrowsIOExceptionIs() throws Exception {
        byte[] key = AuthKey.randomBytes(32);
        try (Manager listening = Manager.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), key)) {
            CompletableFuture<String> outcome = CompletableFuture.supplyAsync(() -> {
                Thread.currentThread().interrupt();
                try {
                    Manager.connect(listening.address(), key);
                    return "connected";
                } catch (java.io.IOException e) {
                    return e.getClass().getSimpleName() + ", status " + Thread.currentThread().isInterrupted();
                }
            }, runnable -> new Thread(runnable).start());
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("InterruptedIOException, status true");
        }
    }
}
