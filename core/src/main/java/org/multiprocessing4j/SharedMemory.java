package org.multiprocessing4j;

import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.multiprocessing4j.internal.shm.SharedBlock;

/**
 * A named block of shared memory, Python's {@code multiprocessing.shared_memory.SharedMemory}: any
 * process that knows the name, or is given this handle, maps the same bytes.
 *
 * <p>The bytes are {@link #segment()} (a {@link MemorySegment}, the fastest way to reach them) or
 * {@link #buffer()} (a {@link ByteBuffer}). There is no lock: as in Python, processes that write the
 * same bytes agree on one, a {@link Lock} or a {@link Semaphore}, say.
 *
 * <p><b>Lifetime.</b> {@link #close()} unmaps the block in this process: the segments and buffers
 * it gave out throw {@link IllegalStateException} from then on, never read freed memory.
 * {@link #unlink()} removes the block's name, once for all processes; those that have it mapped keep
 * their mapping. A handle that is never closed is unmapped once neither it nor any segment or buffer
 * it gave out is reachable. A block that is never unlinked is deleted when every process that created
 * or attached it has ended, even by {@code SIGKILL}, and never while one of them still runs
 * (CPython's resource tracker unlinks it as soon as one that attached it exits, gh-82300).
 *
 * <p><b>Serializable.</b> A handle travels as its name and is attached where it is read, as Python
 * pickles it; reading it after the block was unlinked throws the {@link UncheckedIOException} of
 * {@link #attach}.
 *
 * <p><b>Names.</b> A name is one file name in {@code /dev/shm}, as a POSIX shared-memory name is:
 * no slash, at most 255 bytes of UTF-8, and not beginning with {@code mp4j-}, which this library
 * keeps for its own files. A block made by another program (CPython's {@code SharedMemory}, say) can
 * be attached by its name too; it is mapped as it is, and this library never deletes it unless
 * asked to by {@link #unlink()}.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedBlock block;

    private SharedMemory(SharedBlock block) {
        this.block = block;
    }

    /**
     * Creates a zeroed block of {@code size} bytes under a new name, {@code psm_} and eight hex
     * digits, as Python's {@code SharedMemory(create=True, size=size)}.
     *
     * @param size its size in bytes, which {@link #size()} then returns exactly
     * @return a handle to it, mapped into this process
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws UncheckedIOException if {@code /dev/shm} has no room for it
     */
    public static SharedMemory create(long size) {
        return new SharedMemory(SharedBlock.create(size));
    }

    /**
     * Creates a zeroed block of {@code size} bytes called {@code name}, as Python's
     * {@code SharedMemory(name, create=True, size=size)}.
     *
     * @param name its name: see the class comment for what a name may be
     * @param size its size in bytes
     * @return a handle to it, mapped into this process
     * @throws IllegalArgumentException if the name is not one a block can have (a slash, too long),
     *     or {@code size} is not positive
     * @throws UncheckedIOException with a {@link java.nio.file.FileAlreadyExistsException} cause if a
     *     block of that name exists, or naming the reason if {@code /dev/shm} has no room for it
     * @throws NullPointerException if {@code name} is null
     */
    public static SharedMemory create(String name, long size) {
        return new SharedMemory(SharedBlock.create(name, size));
    }

    /**
     * Maps the block called {@code name}, as Python's {@code SharedMemory(name)}. Its size is the
     * size it was created with.
     *
     * @param name its name
     * @return a handle to it, mapped into this process
     * @throws IllegalArgumentException if the name is not one a block can have
     * @throws UncheckedIOException with a {@link java.nio.file.NoSuchFileException} cause if no block
     *     has that name (it was never made, or was unlinked), or naming the reason if it cannot be
     *     mapped or its header is damaged
     * @throws NullPointerException if {@code name} is null
     */
    public static SharedMemory attach(String name) {
        return new SharedMemory(SharedBlock.attach(name));
    }

    /**
     * The block's name, which {@link #attach} takes in any process.
     *
     * @return the name
     */
    public String name() {
        return block.name();
    }

    /**
     * The block's size in bytes: what it was created with.
     *
     * @return the size
     */
    public long size() {
        return block.size();
    }

    /**
     * The block's bytes, as a segment valid until {@link #close()} (in any thread); each call returns
     * the same bytes.
     *
     * @return the bytes
     * @throws IllegalStateException if this handle was closed
     */
    public MemorySegment segment() {
        return block.body();
    }

    /**
     * The block's bytes as a new {@link ByteBuffer} (position 0, limit {@link #size()}, big-endian as
     * every new buffer), valid until {@link #close()}.
     *
     * @return a buffer over the bytes
     * @throws IllegalStateException if this handle was closed
     * @throws UnsupportedOperationException if the block is larger than a buffer holds (2 GiB - 1):
     *     use {@link #segment()}
     */
    public ByteBuffer buffer() {
        return block.body().asByteBuffer();
    }

    /**
     * True until {@link #close()} is called on this handle.
     *
     * @return whether this handle's mapping is usable
     */
    public boolean isOpen() {
        return block.isOpen();
    }

    /**
     * Unmaps the block in this process, as Python's {@code close()}; the block itself stays, for
     * other handles and processes, until {@link #unlink()}. Closing a closed handle does nothing.
     */
    @Override
    public void close() {
        block.close();
    }

    /**
     * Removes the block's name, as Python's {@code unlink()}: nobody can attach to it any more, and
     * its memory is freed once no process has it mapped. Call it once, in one process.
     *
     * @throws UncheckedIOException with a {@link java.nio.file.NoSuchFileException} cause if the
     *     name is gone already (unlinked before, by this process or another)
     */
    public void unlink() {
        SharedBlock.unlink(block.name());
    }

    /** Handles are equal when they have the same name. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SharedMemory other && name().equals(other.name());
    }

    @Override
    public int hashCode() {
        return name().hashCode();
    }

    /** As Python's repr: {@code SharedMemory('psm_1a2b3c4d', size=512)}. */
    @Override
    public String toString() {
        return "SharedMemory('" + name() + "', size=" + size() + ")";
    }

    /**
     * Written as its block's name, and attached where it is read.
     *
     * @return the name written in its place
     */
    @Serial
    private Object writeReplace() {
        return new BlockName(name(), false);
    }
}
