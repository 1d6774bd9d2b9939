package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.wire.Codec;
import org.multiprocessing4j.internal.wire.JavaSerialization;

/** Python's _TestContainers, test_namespace, test_nested_queue, TestSyncManagerTypes and _TestMyManager, on one manager. */
@Timeout(60)
class ManagerTest {
    private static Manager manager;

    @BeforeAll
    static void start() {
        manager = Manager.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        manager.shutdown();
    }

    private static void runInChild(org.multiprocessing4j.function.SerializableRunnable task) throws InterruptedException {
        Process child = new Process(task);
        child.start();
        child.join();
        assertThat(child.exitCode()).hasValue(0);
    }

    @Test
    void aChildWritesADictAndAListThatTheParentReads() throws Exception {
        Map<String, Integer> d = manager.dict();
        List<String> l = manager.list(List.of("first"));
        runInChild(() -> {
            d.put("answer", 42);
            l.add("from a child");
        });
        assertThat(d).containsExactly(Map.entry("answer", 42));
        assertThat(l).containsExactly("first", "from a child");
        assertThat(d.keySet()).containsExactly("answer");
        assertThat(d.values()).containsExactly(42);
        assertThat(d.entrySet()).containsExactly(Map.entry("answer", 42));
        assertThat(l.subList(1, 2)).containsExactly("from a child");
        assertThat(d.toString()).isEqualTo("{answer=42}");
    }

    @Test
    void mergeFromTwoProcessesIsAtomicOnTheServer() throws Exception {
        ConcurrentMap<String, Integer> d = manager.dict();
        BiFunction<Integer, Integer, Integer> sum = (BiFunction<Integer, Integer, Integer> & Serializable) Integer::sum;
        Process[] children = new Process[2];
        for (int i = 0; i < children.length; i++) {
            children[i] = new Process(() -> {
                for (int k = 0; k < 500; k++) {
                    d.merge("n", 1, sum);
                }
            });
            children[i].start();
        }
        for (Process child : children) {
            child.join();
        }
        assertThat(d.get("n")).isEqualTo(1000);
        assertThat(d.putIfAbsent("n", 0)).isEqualTo(1000);
        assertThat(d.putIfAbsent("m", 7)).isNull();
        assertThat(d.compute("m", (java.util.function.BiFunction<String, Integer, Integer> & Serializable) (k, v) -> v * 2))
                .isEqualTo(14);
    }

    @Test
    void aNonSerializableFunctionFailsInTheCallerNamingIt() {
        ConcurrentMap<String, Integer> d = manager.dict();
        assertThatThrownBy(() -> d.merge("n", 1, Integer::sum)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("merge").hasMessageContaining("cast it, as in (BiFunction<...> & Serializable)");
        assertThatThrownBy(() -> d.computeIfAbsent("n", String::length)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("computeIfAbsent").hasMessageContaining("cast it, as in (Function<...> & Serializable)");
    }

    @Test
    void aValueFetchedIsACopyButANestedProxyIsLive() {
        Map<String, Object> d = manager.dict();
        d.put("k", new ArrayList<>(List.of(1)));
        @SuppressWarnings("unchecked")
        List<Integer> copy = (List<Integer>) d.get("k");
        copy.add(2);
        assertThat(d.get("k")).isEqualTo(List.of(1));
        Map<String, Integer> pets = manager.dict(Map.of("ferrets", 2));
        d.put("pets", pets);
        @SuppressWarnings("unchecked")
        Map<String, Integer> fetched = (Map<String, Integer>) d.get("pets");
        fetched.put("hamsters", 4);
        assertThat(pets).containsEntry("hamsters", 4).containsEntry("ferrets", 2);
        assertThat(fetched).isEqualTo(pets);
    }

    @Test
    void aListIteratorSeesLaterWrites() {
        List<Integer> a = manager.list(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        List<Integer> seen = new ArrayList<>();
        a.iterator().forEachRemaining(seen::add);
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Iterator<Integer> it = a.iterator();
        a.set(0, 100);
        assertThat(it.next()).isEqualTo(100);
        a.removeIf(x -> x > 5 && x < 100);
        assertThat(a).containsExactly(100, 1, 2, 3, 4, 5);
        assertThat(a.stream().mapToInt(Integer::intValue).sum()).isEqualTo(115);
    }

    @Test
    void aNamespaceKeepsItsNamesAndUnderscoresStayOnTheProxy() throws Exception {
        Namespace n = manager.namespace();
        n.set("name", "Bob");
        n.set("job", "Builder");
        n.set("_hidden", "here");
        n.delete("job");
        assertThat(n.toString()).isEqualTo("Namespace(name='Bob')");
        assertThat(n.get("_hidden")).isEqualTo("here");
        runInChild(() -> {
            if (!"Bob".equals(n.get("name")) || n.has("_hidden")) {
                System.exit(3);
            }
            n.set("age", 3);
        });
        assertThat(n.get("age")).isEqualTo(3);
        assertThatThrownBy(() -> n.get("job")).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("no attribute 'job'");
    }

    @Test
    void aQueueStoredInAListStillWorks() throws Exception {
        List<Object> l = manager.list();
        l.add(manager.queue());
        @SuppressWarnings("unchecked")
        Queue<Integer> q = (Queue<Integer>) l.get(0);
        q.put(123);
        assertThat(q.take()).isEqualTo(123);
    }

    @Test
    void eachSyncManagerTypeIsMadeHereAndUsedInAChild() throws Exception {
        Lock lock = manager.lock();
        RLock rlock = manager.rlock();
        Semaphore semaphore = manager.semaphore(2);
        BoundedSemaphore bounded = manager.boundedSemaphore(1);
        Event event = manager.event();
        Condition condition = manager.condition();
        Barrier barrier = manager.barrier(2);
        Queue<String> queue = manager.queue();
        JoinableQueue<String> joinable = manager.joinableQueue();
        ManagedValue<Double> value = manager.value(1.5);
        Process child = new Process(() -> {
            lock.acquire();
            lock.release();
            rlock.acquire();
            rlock.acquire();
            rlock.release();
            rlock.release();
            semaphore.acquire();
            bounded.acquire();
            bounded.release();
            event.set();
            condition.acquire();
            condition.signalAll();
            condition.release();
            barrier.await();
            queue.put("from the child");
            joinable.put("job");
            value.set(value.get() * 2);
        });
        child.start();
        barrier.await();
        child.join();
        assertThat(child.exitCode()).hasValue(0);
        assertThat(event.isSet()).isTrue();
        assertThat(queue.take()).isEqualTo("from the child");
        assertThat(joinable.take()).isEqualTo("job");
        joinable.taskDone();
        joinable.join();
        assertThat(value.get()).isEqualTo(3.0);
        assertThat(semaphore.acquire(false)).isTrue();
        assertThat(semaphore.acquire(false)).isFalse();
    }

    /** _TestMyManager's FooBar. */
    public interface FooBar {
        String f();

        String g();
    }

    /** A FooBar whose g raises, as Python's. */
    public static final class RealFooBar implements FooBar {
        @Override
        public String f() {
            return "f()";
        }

        @Override
        public String g() {
            throw new IllegalArgumentException("g() raises");
        }
    }

    @Test
    void aRegisteredTypeExposesItsInterfaceAndItsExceptionsComeBackAsThemselves() throws Exception {
        manager.register("FooBar", FooBar.class, RealFooBar::new);
        FooBar foo = manager.create("FooBar", FooBar.class);
        assertThat(foo.f()).isEqualTo("f()");
        assertThatThrownBy(foo::g).isInstanceOf(IllegalArgumentException.class).hasMessage("g() raises");
        runInChild(() -> {
            if (!foo.f().equals("f()")) {
                System.exit(3);
            }
        });
        assertThatThrownBy(() -> manager.create("Nope", FooBar.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("knows no type 'Nope'");
        assertThatThrownBy(() -> manager.register("x", RealFooBar.class, RealFooBar::new))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an interface");
    }

    /** A registered type whose results, and exceptions, cannot all be sent to another process. */
    public interface Maker {
        Object make(String what);
    }

    /** Makes a String, an Object (not Serializable), or throws an exception that holds one. */
    public static final class RealMaker implements Maker {
        @Override
        public Object make(String what) {
            return switch (what) {
                case "string" -> "made";
                case "object" -> new Object();
                default -> throw new UnsendableException();
            };
        }
    }

    /** An exception with a field Java serialization cannot write. */
    static final class UnsendableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings({"unused", "serial"}) // written, and failing, when the exception is sent
        private final Object held = new Object();
    }

    @Test
    void aResultOrAnExceptionThatCannotBeSentIsThrownInTheCallerNamingItAndTheObjectGoesOn() throws Exception {
        manager.register("Maker", Maker.class, RealMaker::new);
        Maker maker = manager.create("Maker", Maker.class);
        assertThatThrownBy(() -> maker.make("object")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the result of a manager's method")
                .hasMessageContaining("class java.lang.Object is not Serializable");
        assertThatThrownBy(() -> maker.make("exception")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("an exception a manager's method threw")
                .hasMessageContaining("class java.lang.Object is not Serializable");
        assertThat(maker.make("string")).isEqualTo("made");
    }

    @Test
    void aChildsTaskHoldingTheManagersOwnProxiesIsCompactAndReachesTheSameObjects() throws Exception {
        Map<String, Integer> d = manager.dict();
        List<String> l = manager.list();
        Namespace ns = manager.namespace();
        ManagedValue<Integer> v = manager.value(0);
        Process child = new Process(() -> {
            d.put("k", 1);
            l.add("x");
            ns.set("a", 2);
            v.set(3);
        });
        byte[] launch = new ChildLaunch(child, "MainProcess", ProcessHandle.current().pid()).encode();
        assertThat(launch[0]).as("read in the child without ObjectInputStream").isEqualTo(Codec.COMPACT_OBJECT);
        Codec.decode(launch); // read, so the counts its proxies took are given back once collected

        child.start();
        child.join();
        assertThat(child.exitCode()).hasValue(0);
        assertThat(d).containsExactly(Map.entry("k", 1));
        assertThat(l).containsExactly("x");
        assertThat(ns.get("a")).isEqualTo(2);
        assertThat(v.get()).isEqualTo(3);
    }

    @Test
    void theManagersOwnProxiesNeedNoGeneratedClassAndComeBackFromJavaSerializationAsProxiesOfTheSameObjects() throws Exception {
        Map<String, Integer> d = manager.dict(Map.of("a", 1));
        List<String> l = manager.list(List.of("x"));
        Namespace ns = manager.namespace();
        ns.set("b", 2);
        ManagedValue<Integer> v = manager.value(3);
        for (Object proxy : List.of(d, l, ns, v)) {
            assertThat(java.lang.reflect.Proxy.isProxyClass(proxy.getClass()))
                    .as("a class generated for %s, which no process could take from the AOT cache", proxy).isFalse();
            Object copy = JavaSerialization.fromBytes(JavaSerialization.toBytes(proxy, "a proxy"));
            assertThat(copy).isNotSameAs(proxy).isEqualTo(proxy).hasSameClassAs(proxy);
        }
        assertThat(JavaSerialization.fromBytes(JavaSerialization.toBytes(d, "a proxy"))).isEqualTo(Map.of("a", 1));
        assertThat(JavaSerialization.fromBytes(JavaSerialization.toBytes(l, "a proxy"))).isEqualTo(List.of("x"));
        assertThat(((Namespace) JavaSerialization.fromBytes(JavaSerialization.toBytes(ns, "a proxy"))).get("b")).isEqualTo(2);
        assertThat(((ManagedValue<?>) JavaSerialization.fromBytes(JavaSerialization.toBytes(v, "a proxy"))).get()).isEqualTo(3);
    }

    @Test
    void proxiesOfTwoListsOrTwoDictsWithTheSameContentsAreEqualAsJavaUtilSaysAndOtherProxiesOnlyToThemselves() {
        List<String> list = manager.list(List.of("x", "y"));
        List<String> sameElements = manager.list(List.of("x", "y"));
        List<String> otherElements = manager.list(List.of("y"));
        assertThat(list.equals(sameElements)).isTrue();
        assertThat(sameElements.equals(list)).isTrue();
        assertThat(list.hashCode()).isEqualTo(sameElements.hashCode());
        assertThat(list.equals(otherElements)).isFalse();
        assertThat(list.equals(List.of("x", "y"))).isTrue();

        Map<String, Integer> dict = manager.dict(Map.of("a", 1));
        Map<String, Integer> sameEntries = manager.dict(Map.of("a", 1));
        assertThat(dict.equals(sameEntries)).isTrue();
        assertThat(sameEntries.equals(dict)).isTrue();
        assertThat(dict.equals(manager.dict(Map.of("a", 2)))).isFalse();
        assertThat(dict.equals(list)).isFalse();

        Namespace namespace = manager.namespace();
        assertThat(namespace.equals(manager.namespace())).as("no equality of contents in its interface").isFalse();
        assertThat(namespace.equals(namespace)).isTrue();
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a proxy's call is not interruptible
    void nestedProxiesCompareByContentsOnTheServerWithoutWaitingForItself() {
        List<Object> inner = manager.list(List.of("c"));
        List<Object> holdsInner = manager.list();
        holdsInner.add(inner);
        List<Object> holdsTheHolder = manager.list();
        holdsTheHolder.add(holdsInner);
        // [[c]] against [[[c]]]: the server compares a proxy of the first list, within its own lock,
        // with a proxy of that very list.
        assertThat(holdsInner.equals(holdsTheHolder)).isFalse();
        assertThat(holdsInner.equals(List.of(List.of("c")))).isTrue();

        List<Object> holdsAnEqualList = manager.list();
        holdsAnEqualList.add(manager.list(List.of("c")));
        assertThat(holdsInner.equals(holdsAnEqualList)).isTrue();
        Map<String, Object> dict = manager.dict();
        dict.put("k", inner);
        assertThat(dict.equals(Map.of("k", List.of("c")))).isTrue();
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a proxy's call is not interruptible
    void aNestedProxysHashCodeAndTextAreTheServersOwnAndACycleOverflowsAsInJavaInsteadOfHanging() {
        List<Object> inner = manager.list(List.of("c"));
        Map<String, Object> dict = manager.dict();
        dict.put("k", inner);
        assertThat(dict.hashCode()).isEqualTo(Map.of("k", List.of("c")).hashCode());
        assertThat(dict.toString()).isEqualTo("{k=[c]}");

        // A map that holds itself: java.util overflows the stack computing its hash code, and so
        // does the server, rather than waiting for the lock it holds itself.
        Map<String, Object> holdsItself = manager.dict();
        holdsItself.put("me", holdsItself);
        assertThatThrownBy(holdsItself::hashCode).isInstanceOf(StackOverflowError.class);
        List<Object> holdsItsHolder = manager.list();
        holdsItsHolder.add(holdsItself);
        holdsItself.put("holder", holdsItsHolder);
        assertThatThrownBy(holdsItsHolder::toString).isInstanceOf(StackOverflowError.class);
        // and iterating it works, as a java.util map that holds itself iterates
        assertThat(holdsItself.keySet()).containsOnly("me", "holder");
        assertThat(holdsItself.entrySet()).extracting(Map.Entry::getKey).containsOnly("me", "holder");
    }

    @Test
    void aDictsKeysValuesAndEntriesAreViewsBackedByTheDict() throws Exception {
        ConcurrentMap<String, Integer> d = manager.dict(Map.of("a", 1, "b", 2, "c", 3, "d", 4));
        assertThat(d.keySet().remove("a")).isTrue();
        assertThat(d.keySet().remove("a")).isFalse();
        assertThat(d.values().removeIf(v -> v == 2)).isTrue();
        for (Map.Entry<String, Integer> entry : d.entrySet()) {
            if (entry.getKey().equals("c")) {
                assertThat(entry.setValue(30)).isEqualTo(3);
            }
        }
        assertThat(d).containsOnly(Map.entry("c", 30), Map.entry("d", 4));
        assertThat(d.entrySet()).contains(Map.entry("c", 30)).doesNotContain(Map.entry("c", 3));
        assertThat(d.entrySet().remove(Map.entry("d", 4))).isTrue();
        Iterator<String> keys = d.keySet().iterator();
        keys.next();
        keys.remove();
        assertThat(d).isEmpty();
        d.put("e", 5);
        assertThat(d.keySet()).isEqualTo(java.util.Set.of("e"));
        d.values().clear();
        assertThat(d).isEmpty();
        assertThatThrownBy(() -> d.keySet().add("f")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aViewSentToAnotherProcessIsACopyOfWhatItShows() throws Exception {
        ConcurrentMap<String, Integer> d = manager.dict(Map.of("k", 1));
        List<Integer> l = manager.list(List.of(1, 2, 3));
        Queue<Object> q = new Queue<>();
        q.put(d.keySet());
        q.put(d.entrySet());
        q.put(l.subList(1, 3));
        q.put(d.entrySet().iterator().next());
        assertThat(q.take()).isEqualTo(java.util.Set.of("k"));
        assertThat(q.take()).isEqualTo(java.util.Set.of(Map.entry("k", 1)));
        assertThat(q.take()).isEqualTo(List.of(2, 3));
        assertThat(q.take()).isEqualTo(Map.entry("k", 1));
    }

    @Test
    void aListsSubListIsAViewBackedByTheList() throws Exception {
        List<Integer> l = manager.list(List.of(0, 1, 2, 3, 4, 5));
        l.subList(1, 3).clear();
        assertThat(l).containsExactly(0, 3, 4, 5);
        List<Integer> head = l.subList(0, 2);
        head.set(0, 9);
        head.add(7);
        assertThat(head).containsExactly(9, 3, 7);
        assertThat(l).containsExactly(9, 3, 7, 4, 5);
        assertThat(l.subList(1, 4).subList(1, 2)).containsExactly(7);
        assertThat(l.subList(3, 5).remove(0)).isEqualTo(4);
        assertThat(l).containsExactly(9, 3, 7, 5);
        assertThatThrownBy(() -> l.subList(2, 9)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Not public, as a Python class need not be anything. */
    interface Greeter {
        String greet(String name);
    }

    @Test
    void aRegisteredInterfaceNeedNotBePublic() throws Exception {
        manager.register("Greeter", Greeter.class, () -> name -> "hello " + name);
        Greeter greeter = manager.create("Greeter", Greeter.class);
        assertThat(greeter.greet("server")).isEqualTo("hello server");
        runInChild(() -> {
            if (!greeter.greet("child").equals("hello child")) {
                System.exit(3);
            }
        });
    }

    @Test
    void aProxyOfARegisteredInterfaceGoesByJavaSerialization() throws Exception {
        manager.register("FooBarToo", FooBar.class, RealFooBar::new);
        FooBar foo = manager.create("FooBarToo", FooBar.class);
        assertThat(Codec.encodeCompact(foo)).as("the library's loader may not see the interface").isNull();
        assertThat(((FooBar) Codec.decode(Codec.encode(foo, "a proxy"))).f()).isEqualTo("f()");
    }

    @Test
    void aManagerStartedHereHasNoNetworkAddress() {
        assertThatThrownBy(manager::address).isInstanceOf(IllegalStateException.class).hasMessageContaining("Manager.serve");
    }

    @Test
    void blocksAndListsTheServerMadeAreAttachableByNameUntilItsShutdownUnlinksThem() throws Exception {
        // Python's test_shared_memory_SharedMemoryManager_basics.
        Manager smm = Manager.start();
        SharedMemory block = smm.sharedMemory(128);
        ShareableList list = smm.shareableList(List.of("howdy", 7L));
        try (SharedMemory byName = SharedMemory.attach(block.name());
                ShareableList listByName = ShareableList.attach(list.name())) {
            byName.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 9);
            assertThat(block.segment().get(java.lang.foreign.ValueLayout.JAVA_INT, 0)).isEqualTo(9);
            assertThat(listByName).containsExactly("howdy", 7L);
        }
        assertThatThrownBy(() -> smm.shareableList(List.of(new Object()))).isInstanceOf(IllegalArgumentException.class);
        smm.shutdown();
        assertThat(smm.serverProcess().exitCode()).as("the server ends by itself when asked").hasValue(0);
        assertThatThrownBy(() -> SharedMemory.attach(block.name())).hasCauseInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThatThrownBy(() -> ShareableList.attach(list.name())).hasCauseInstanceOf(java.nio.file.NoSuchFileException.class);
        block.close();
        list.close();
    }

    @Test
    void clientsWaitingIdleOnThisMachineDoNotStarveANewOne() throws Exception {
        Map<Integer, Integer> d = manager.dict();
        int idle = Runtime.getRuntime().availableProcessors() * 2 + 2;
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(idle);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < idle; t++) {
            int key = t;
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                d.put(key, key); // this thread's own connection, which then waits for its next call
                connected.countDown();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        connected.await();
        Thread fresh = Thread.ofPlatform().start(() -> d.put(-1, -1));
        fresh.join();
        done.countDown();
        assertThat(d).hasSize(idle + 1);
    }

    /** A value the server cannot read. */
    static final class Unreadable implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException {
            throw new java.io.InvalidObjectException("refused on purpose");
        }
    }

    @Test
    void anArgumentTheServerCannotReadIsAClearExceptionAndTheProxyGoesOn() {
        Map<String, Object> d = manager.dict();
        assertThatThrownBy(() -> d.put("x", new Unreadable())).isInstanceOf(ManagerException.class)
                .hasMessageContaining("could not run put").hasRootCauseMessage("refused on purpose");
        d.put("y", 1);
        assertThat(d).containsOnlyKeys("y");
    }

    @Test
    void anObjectGoesWhenItsLastProxyDoesAndANestedOneStaysWhileItsHolderDoes() throws Exception {
        int before = manager.objectCount();
        for (int i = 0; i < 50; i++) {
            manager.list(List.of(i)); // dropped at once
        }
        Map<String, Object> holder = manager.dict();
        Map<String, Integer> pets = manager.dict(Map.of("ferrets", 2));
        holder.put("pets", pets);
        pets = null; // test_dict_proxy_nested: the nested dict outlives the local reference
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return manager.objectCount() <= before + 2; // other tests' objects may go meanwhile too
        });
        @SuppressWarnings("unchecked")
        Map<String, Integer> fetched = (Map<String, Integer>) holder.get("pets");
        assertThat(fetched).containsEntry("ferrets", 2);
        holder.clear(); // the server's own proxy of pets goes; ours still holds it
        fetched.put("hamsters", 4);
        assertThat(fetched).containsEntry("hamsters", 4);
    }

    @Test
    void aProxyHandedToAChildKeepsItsObjectAfterTheParentDropsItsOwn() throws Exception {
        Queue<Object> handOver = new Queue<>();
        handOver.put(manager.list(List.of("kept"))); // the parent keeps no proxy of it
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Process child = new Process(() -> {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) handOver.take();
            if (!list.equals(List.of("kept"))) {
                System.exit(3);
            }
        });
        child.start();
        child.join();
        assertThat(child.exitCode()).hasValue(0);
    }
}
