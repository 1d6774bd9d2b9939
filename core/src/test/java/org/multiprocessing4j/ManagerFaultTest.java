package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.testing.Elapsed;

/** Managers over TCP (_TestRemoteManager), and what CPython's do not survive: dead servers, dead and rude clients. */
@Timeout(90)
class ManagerFaultTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void aClientInAnotherJvmConnectsOverTcpAndSharesTheServersObjects() throws Exception {
        byte[] key = AuthKey.randomBytes(32);
        try (Manager server = Manager.serve(ANY_PORT, key)) {
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(server.address().getPort()).isPositive();
            ConcurrentMap<String, Object> table = new ConcurrentHashMap<>();
            server.register("table", Map.class, () -> table);
            @SuppressWarnings("unchecked")
            Map<String, Object> here = server.create("table", Map.class);
            here.put("from", "the parent");
            InetSocketAddress address = server.address();
            Process client = new Process(() -> {
                Manager remote = Manager.connect(address, key);
                @SuppressWarnings("unchecked")
                Map<String, Object> there = remote.create("table", Map.class);
                if (!"the parent".equals(there.get("from"))) {
                    System.exit(3);
                }
                there.put("reply", List.of(1, 2));
                List<String> list = remote.list();
                list.add("made over tcp");
                there.put("list", list);
            });
            client.start();
            client.join();
            assertThat(client.exitCode()).hasValue(0);
            assertThat(here.get("reply")).isEqualTo(List.of(1, 2));
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) here.get("list");
            assertThat(list).containsExactly("made over tcp");
            assertThatThrownBy(() -> here.put("bad", new Object())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("java.lang.Object");
        }
    }

    @Test
    void aWrongKeyIsRefused() throws Exception {
        try (Manager server = Manager.serve(ANY_PORT, AuthKey.randomBytes(32))) {
            assertThatThrownBy(() -> Manager.connect(server.address(), "wrong".getBytes()))
                    .isInstanceOf(AuthenticationException.class).hasMessage("digest sent was rejected");
        }
    }

    @Test
    void fiftyClientsAtOnceOverTcpAllCount() throws Exception {
        byte[] key = AuthKey.randomBytes(32);
        try (Manager server = Manager.serve(ANY_PORT, key)) {
            Manager client = Manager.connect(server.address(), key);
            ConcurrentMap<String, Integer> counts = client.dict();
            BiFunction<Integer, Integer, Integer> sum = (BiFunction<Integer, Integer, Integer> & Serializable) Integer::sum;
            CountDownLatch allConnected = new CountDownLatch(50);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 50; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        counts.merge("n", 1, sum); // this thread's own connection
                        allConnected.countDown();
                        allConnected.await();
                        for (int k = 0; k < 19; k++) {
                            counts.merge("n", 1, sum);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            assertThat(counts.get("n")).isEqualTo(1000);
        }
    }

    @Test
    void garbageAndAClientGoneMidFrameLeaveTheServerServingOthers() throws Exception {
        byte[] key = AuthKey.randomBytes(32);
        try (Manager server = Manager.serve(ANY_PORT, key)) {
            Map<String, Integer> d = server.dict();
            try (SocketChannel rude = SocketChannel.open(server.address())) {
                rude.write(ByteBuffer.wrap(AuthKey.randomBytes(4096)));
            }
            try (SocketChannel half = SocketChannel.open(server.address())) {
                half.write(ByteBuffer.wrap(new byte[] {0x4d, 0x50})); // the start of a frame's magic number
            }
            Manager client = Manager.connect(server.address(), key);
            Map<String, Integer> remote = client.dict();
            remote.put("still", 1);
            d.put("serving", 2);
            assertThat(remote).containsEntry("still", 1);
            assertThat(d).containsEntry("serving", 2);
        }
    }

    @Test
    void aClientKilledInTheMiddleOfACallLeavesTheServerServingOthers() throws Exception {
        try (Manager manager = Manager.start()) {
            ConcurrentMap<String, Integer> slow = manager.dict();
            Map<String, Integer> other = manager.dict();
            Event calling = manager.event();
            Event finish = manager.event();
            Process client = new Process(() -> slow.compute("slow",
                    (BiFunction<String, Integer, Integer> & Serializable) (k, v) -> {
                        calling.set();
                        try {
                            finish.await(Duration.ofSeconds(60));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return 1;
                    }));
            client.start();
            calling.await();
            client.kill();
            client.join();
            other.put("after", 2); // served while the dead client's call still runs on the server
            assertThat(other).containsEntry("after", 2);
            finish.set();
            assertThat(slow.get("slow")).isEqualTo(1); // its call ended as any would; only its reply had nowhere to go
        }
    }

    @Test
    void aStartInterruptedFailsNamingTheInterruptKeepsTheStatusAndLeavesNoServer() {
        List<Long> childrenBefore = childJvms();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(Manager::start).isInstanceOf(ManagerException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt status is kept").isTrue();
        } finally {
            Thread.interrupted();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(childJvms()).as("no server that was starting").isSubsetOf(childrenBefore));
    }

    @Test
    void theConnectionsOfClientThreadsThatEndedAreClosedOnBothSides() throws Exception {
        byte[] key = AuthKey.randomBytes(32);
        List<Long> childrenBefore = childJvms();
        try (Manager server = Manager.serve(ANY_PORT, key)) {
            long serverPid = childJvms().stream().filter(pid -> !childrenBefore.contains(pid)).findFirst().orElseThrow();
            Map<String, Integer> local = server.dict();
            Map<String, Integer> overTcp = Manager.connect(server.address(), key).dict();
            local.put("k", 0);
            long serverThreads = threadsOf(serverPid);
            long descriptors = openFiles();
            for (int i = 0; i < 100; i++) {
                Thread.ofVirtual().start(() -> local.merge("k", 1, (BiFunction<Integer, Integer, Integer> & Serializable) Integer::sum)).join();
                Thread.ofPlatform().start(() -> overTcp.merge("k", 1, (BiFunction<Integer, Integer, Integer> & Serializable) Integer::sum)).join();
            }
            assertThat(local.get("k")).isEqualTo(100);
            assertThat(overTcp.get("k")).isEqualTo(100);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(threadsOf(serverPid)).as("the server's threads").isLessThan(serverThreads + 10);
                assertThat(openFiles()).as("this process's file descriptors").isLessThan(descriptors + 10);
            });
        }
    }

    @Test
    void aManagerShutDownLeavesNoSharedMemoryBehind() throws Exception {
        java.util.Set<java.nio.file.Path> before = org.multiprocessing4j.testing.LeakBaseline.ourSharedMemoryNow();
        for (int i = 0; i < 3; i++) {
            try (Manager manager = Manager.start()) {
                Map<String, Integer> d = manager.dict();
                d.put("k", i);
                Thread.ofPlatform().start(() -> d.put("from another thread", 1)).join();
            }
        }
        java.util.Set<java.nio.file.Path> after = org.multiprocessing4j.testing.LeakBaseline.ourSharedMemoryNow();
        after.removeAll(before);
        assertThat(after).as("its queues and its channels' pipes").isEmpty();
    }

    private static long threadsOf(long pid) throws java.io.IOException {
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + pid + "/task"))) {
            return tasks.count();
        }
    }

    private static long openFiles() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** This JVM's live children that run a process's bootstrap: not the tracker or an AOT trainer. */
    private static List<Long> childJvms() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(child -> child.info().commandLine().orElse("").contains("ChildMain"))
                .map(ProcessHandle::pid).toList();
    }

    @Test
    void aClientThatDiesHoldingAManagersLockDoesNotKeepIt() throws Exception {
        try (Manager manager = Manager.start()) {
            Lock lock = manager.lock();
            Event holding = manager.event();
            Process client = new Process(() -> {
                lock.acquire();
                holding.set();
                Thread.sleep(Long.MAX_VALUE);
            });
            client.start();
            holding.await();
            client.kill();
            client.join();
            assertThat(lock.acquire(Duration.ofSeconds(5))).isTrue();
            lock.release();
        }
    }

    @Test
    void callsOnAKilledServerThrowInsteadOfHanging() throws Exception {
        byte[] key = AuthKey.randomBytes(32);
        Manager manager = Manager.serve(ANY_PORT, key);
        Map<String, Integer> local = manager.dict();
        local.put("k", 1);
        Map<String, Integer> overTcp = Manager.connect(manager.address(), key).dict();
        overTcp.put("k", 1);
        Queue<Integer> queue = manager.queue();
        manager.serverProcess().kill();
        manager.serverProcess().join();
        long start = System.nanoTime();
        assertThatThrownBy(() -> local.get("k")).isInstanceOf(ManagerException.class).hasMessageContaining("is gone");
        assertThatThrownBy(() -> overTcp.get("k")).isInstanceOf(ManagerException.class).hasMessageContaining("is gone");
        assertThatThrownBy(manager::dict).isInstanceOf(ManagerException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(Elapsed.NOT_FOR_EVER_MILLIS);
        queue.put(5); // the server's shared-memory queue outlives it in the processes that hold it
        assertThat(queue.take()).isEqualTo(5);
        manager.shutdown();
    }

    @Test
    void aPeerThatNeverProvesItsKeyIsDisconnected() throws Exception {
        try (Manager server = Manager.serve(ANY_PORT, AuthKey.randomBytes(32));
                SocketChannel silent = SocketChannel.open(server.address())) {
            ByteBuffer sink = ByteBuffer.allocate(4096);
            int read;
            do {
                read = silent.read(sink.clear()); // the server's challenge, then the end of the stream
            } while (read >= 0);
            assertThat(read).isEqualTo(-1);
        }
    }

    @Test
    void connectingWhereSomethingElseListensAndSaysNothingGivesUpAfterTheHandshakeTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // the kernel accepts the connection; nobody ever writes to it
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            long start = System.nanoTime();
            assertThatThrownBy(() -> Manager.connect(address, AuthKey.randomBytes(32)))
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining(address.toString());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(30));
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }
}
