package org.multiprocessing4j.cluster;

import com.hazelcast.map.IMap;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A {@link Lock} of the cluster: a key of a Hazelcast map, locked with {@link IMap#lock}. As
 * Hazelcast's map locks are, it is owned by a thread of a process, is reentrant, and only its owner
 * may unlock it ({@link IllegalMonitorStateException} otherwise). When its owner's process dies the
 * cluster frees it: at once for a member, within the client cleanup period (about a second) after
 * a client's connection closes. Waiting is in slices of at most {@value #SLICE_MILLIS} ms, so that
 * an interrupt is seen and a timeout of any size works.
 */
final class ClusterLock implements Lock {
    /** The longest one wait for the lock lasts before the thread checks its interrupt and deadline. */
    static final long SLICE_MILLIS = 100;

    private final IMap<String, Object> locks;
    private final String name;

    ClusterLock(IMap<String, Object> locks, String name) {
        this.locks = locks;
        this.name = name;
    }

    /** Blocks until this thread holds the lock; an interrupt meanwhile is kept, not thrown. */
    @Override
    public void lock() {
        boolean interrupted = false;
        while (true) {
            try {
                lockInterruptibly();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        tryLock(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean tryLock() {
        return locks.tryLock(name);
    }

    /**
     * Waits up to {@code time} for the lock.
     *
     * @throws InterruptedException if the thread is interrupted before or while waiting
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        long nanos = Objects.requireNonNull(unit, "unit").toNanos(time);
        long deadline = System.nanoTime() + nanos;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (remaining <= 0) {
                return locks.tryLock(name);
            }
            long slice = Math.min(TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS), remaining);
            if (locks.tryLock(name, slice, TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
    }

    /**
     * Releases the lock once (it is reentrant).
     *
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    @Override
    public void unlock() {
        locks.unlock(name);
    }

    /**
     * A cluster lock has no conditions.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("a cluster lock has no conditions: use a ClusterEvent");
    }

    @Override
    public String toString() {
        return "<ClusterLock " + name + (locks.isLocked(name) ? " locked>" : " unlocked>");
    }
}
