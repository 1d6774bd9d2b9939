package org.multiprocessing4j;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.List;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.manager.ManagerTraining;
import org.multiprocessing4j.internal.pool.PoolTraining;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.sys.Futex;
import org.multiprocessing4j.internal.wire.Codec;
import org.multiprocessing4j.internal.wire.JavaSerialization;
import org.multiprocessing4j.internal.wire.PreparedLambdas;

/**
 * What the child that trains the library's AOT cache ({@code AotCoverage.LIBRARY}) runs: the
 * library's hot paths, within the one process, so that the cache holds their classes linked and
 * their call sites (var handles on shared memory, the futex downcall) resolved, and children start
 * on them without the interpreter's slow first thousands of operations. They include a pool
 * worker's loop, a manager's server and client, a large item's spill file, and what a child given
 * handles does that this process, which made them, would not: mapping a segment it did not make,
 * and a wake handed over before its futex call is linked. A class the cache lacks, a child reads
 * from the library's JAR, which it otherwise never opens (some milliseconds). It runs once per
 * class path, in the background. The training task itself takes the compact launch form
 * ({@link ChildLaunch}), as most targets do. It also loads, without initializing them, the
 * application classes of the process whose start launched the training, so that the cache holds
 * them too and children need not read them from their JARs. The cache of the bootstrap alone
 * ({@code AotCoverage.BOOTSTRAP}) is trained on that loading only ({@link #loadWithoutInitializing}).
 */
final class AotTraining {
    private static final int ROUNDS = 5_000;
    /** The length of the arrays exercised. */
    private static final int KEYS = 100;
    /** An item larger than a quarter of a queue's ring, and how many of them go through it. */
    private static final int LARGE_ITEM = 1 << 20;
    private static final int LARGE_ROUNDS = 3;

    private AotTraining() {}

    /** @param applicationClasses binary names, separated by commas, of classes to load; none if empty */
    static void exercise(String applicationClasses) throws Exception {
        loadWithoutInitializing(applicationClasses);
        // Before anything links the futex call: a fresh child's first wakes are handed to the
        // thread that links it, and this one is too, so that the cache holds that path's classes.
        Futex.wake(Arena.ofAuto().allocate(Integer.BYTES), 1);
        Lock lock = new Lock();
        for (int i = 0; i < ROUNDS; i++) {
            lock.acquire();
            lock.release();
        }
        exerciseSharedState();
        Queue<Object> queue = new Queue<>();
        for (int i = 0; i < ROUNDS; i++) {
            queue.put(i);
            queue.take();
        }
        for (int i = 0; i < LARGE_ROUNDS; i++) { // a large item travels in a spill file beside the ring
            queue.put(new byte[LARGE_ITEM]);
            queue.take();
        }
        Pipe pipe = Pipe.open();
        Connection far = pipe.second();
        Thread echo = new Thread(() -> {
            try {
                while (true) {
                    far.send(far.recv());
                }
            } catch (IOException | IllegalStateException e) {
                // the near end closed: done
            }
        });
        echo.start();
        Connection near = pipe.first();
        for (int i = 0; i < ROUNDS; i++) {
            near.send(i);
            near.recv();
        }
        near.close();
        echo.join();
        PoolTraining.exercise(ROUNDS / 10);
        ManagerTraining.exercise(ROUNDS);
        // A manager's server process reads its target, a lambda of Manager's, which the training
        // above, serving in this process, never loads: the server read it from the library's JAR.
        Class<?> serversTargetClass = Manager.class;
        // A target that captures objects of the application's own classes has no compact launch
        // form and goes through Java serialization, as a subclass of Process does: give that path's
        // classes to the cache too.
        List<Integer> applicationObject = List.of(ROUNDS);
        SerializableRunnable capturesAnObject = applicationObject::size;
        ChildLaunch launch = new ChildLaunch(new Process(capturesAnObject), "MainProcess", ProcessHandle.current().pid());
        JavaSerialization.fromBytes(JavaSerialization.toBytes(launch, "the training task"));
        // A spare reads its targets' class files to prepare their lambdas, and makes them with what
        // it prepared: give the class-file API's classes and that path's to the cache too.
        SerializableRunnable prepared = () -> { };
        PreparedLambdas.record(prepared);
        PreparedLambdas.prepare(PreparedLambdas.recent());
        Codec.decode(new ChildLaunch(new Process(prepared), "MainProcess", ProcessHandle.current().pid()).encode());
    }

    /** Values, arrays and the other primitives, as targets that capture them use them. */
    private static void exerciseSharedState() throws InterruptedException, IOException {
        SharedLong value = Value.ofLong(0);
        // A child maps the segment of each handle it is given; this process made them all.
        SharedSegment.create(SharedLayout.Header.KIND_VALUE, Long.BYTES).mapAsAnotherProcessWould();
        SharedInt count = Value.ofInt(0);
        SharedDouble total = Value.ofDouble(0);
        SharedLong raw = RawValue.ofLong(0);
        SharedLongArray longs = Array.ofLongs(KEYS);
        SharedIntArray ints = Array.ofInts(KEYS);
        SharedDoubleArray doubles = Array.ofDoubles(new double[KEYS]);
        RLock rlock = new RLock();
        Semaphore semaphore = new Semaphore(1);
        Event event = new Event();
        for (int i = 0; i < ROUNDS; i++) {
            value.addAndGet(1);
            count.set(count.get() + 1);
            total.set(total.get() + 1);
            raw.compareAndSet(i, i + 1);
            longs.addAndGet(i % KEYS, 1);
            ints.set(i % KEYS, ints.get(i % KEYS) + 1);
            doubles.set(i % KEYS, doubles.get(i % KEYS) + 1);
            rlock.acquire();
            rlock.release();
            semaphore.acquire();
            semaphore.release();
            event.set();
            event.clear();
        }
    }

    /**
     * Loads, without initializing them, the classes named (binary names, separated by commas; none
     * if empty) that this class path has.
     */
    static void loadWithoutInitializing(String classNames) {
        for (String name : classNames.split(",")) {
            if (!name.isEmpty()) {
                try {
                    Class.forName(name, false, ClassLoader.getSystemClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // not on this class path: the cache is made without it
                }
            }
        }
    }
}
