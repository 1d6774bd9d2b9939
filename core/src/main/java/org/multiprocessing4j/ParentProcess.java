package org.multiprocessing4j;

import java.io.Serial;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.multiprocessing4j.internal.launch.ParentWatch;
import org.multiprocessing4j.internal.shm.Deadline;

/**
 * The parent, as seen from a child ({@code parentProcess()}), Python's {@code _ParentProcess}: its
 * name and pid, whether it is alive, and a join that waits for it to end. It cannot be started,
 * terminated or killed from here.
 */
final class ParentProcess extends Process {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long pid;

    ParentProcess(String name, long pid) {
        super(null, name, new int[0], false);
        this.pid = pid;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(pid);
    }

    /**
     * True while the process that started this one is still its parent ({@link ParentWatch#parent}):
     * a later process given the parent's pid cannot pass for it.
     */
    @Override
    public boolean isAlive() {
        return ParentWatch.parent(pid).isPresent();
    }

    @Override
    public OptionalInt exitCode() {
        return OptionalInt.empty();
    }

    @Override
    public void join() throws InterruptedException {
        join(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        Optional<ProcessHandle> handle = ParentWatch.parent(pid);
        if (handle.isEmpty()) {
            return true;
        }
        try {
            handle.get().onExit().get(Math.max(0, Deadline.nanos(timeout)), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot watch the parent process " + pid, e.getCause());
        }
    }

    @Override
    public void start() {
        throw new IllegalStateException("the parent process cannot be started");
    }

    @Override
    public void terminate() {
        throw new IllegalStateException("can only terminate a child process");
    }

    @Override
    public void kill() {
        throw new IllegalStateException("can only kill a child process");
    }
}
