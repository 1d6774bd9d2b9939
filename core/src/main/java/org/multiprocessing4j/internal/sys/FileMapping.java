package org.multiprocessing4j.internal.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files mapped with libc's {@code open}, {@code posix_fallocate} and {@code mmap}, for the blocks
 * of {@code SharedMemory}: unlike a {@code FileChannel} mapping, one whose address this class returns
 * can be unmapped by whoever holds the address ({@link #unmap}), whether the arena of the segments
 * made over it was closed or became unreachable, and its file's space is reserved when it is made,
 * so that /dev/shm running full is an exception here and not a {@code SIGBUS} at a later write.
 *
 * <p>Linking the calls costs a fresh JVM some milliseconds, so they are linked on first use, not
 * with this class.
 */
public final class FileMapping {
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_CLOEXEC = 02000000;
    /** O_NOFOLLOW: arm64 numbers it apart from the generic table that x86_64 and riscv64 share. */
    private static final int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0100000 : 0400000;
    private static final int OWNER_READ_WRITE = 0600;
    private static final int PROT_READ_WRITE = 1 | 2;
    private static final int MAP_SHARED = 1;
    /**
     * Maps every page of the file at once. A process that attaches a block is about to read what
     * another wrote: one pass over the page tables costs a fraction of a fault per page (on the VM
     * this was measured on, 77 ms per GiB against some 4 s of faults).
     */
    private static final int MAP_POPULATE = 0x8000;
    private static final long MAP_FAILED = -1;
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int ELOOP = 40;
    private static final int ENOSPC = 28;

    private FileMapping() {}

    /** The libc calls, errno captured where a call reports through it, linked on first use. */
    private static final class Libc {
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle OPEN;
        static final MethodHandle FALLOCATE;
        static final MethodHandle MMAP;
        static final MethodHandle MUNMAP;
        static final MethodHandle CLOSE;

        static {
            Futex.checkPlatform();
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            OPEN = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(2), errno);
            FALLOCATE = linker.downcallHandle(libc.find("posix_fallocate").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
            MMAP = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    errno);
            MUNMAP = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
            CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }

        private Libc() {}
    }

    /**
     * Makes {@code file} (which must not exist), readable and writable by its owner only, with
     * {@code size} bytes reserved and zeroed, and maps it.
     *
     * @return the mapping's address, for {@link #unmap} and {@link #segment}
     * @throws FileAlreadyExistsException if the file exists
     * @throws FileSystemException if the file system has no room for it (the message says so), or
     *     the file cannot be made
     */
    public static long create(Path file, long size) throws IOException {
        return map(file, size, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, true);
    }

    /**
     * Maps the first {@code size} bytes of {@code file}, which must be a regular file, not a link, every
     * page of them at once.
     *
     * @return the mapping's address
     * @throws NoSuchFileException if there is no such file
     * @throws FileSystemException if it is a link or cannot be mapped
     */
    public static long open(Path file, long size) throws IOException {
        return map(file, size, O_RDWR | O_CLOEXEC | O_NOFOLLOW, false);
    }

    private static long map(Path file, long size, int flags, boolean reserve) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int fd = (int) Libc.OPEN.invokeExact(state, arena.allocateFrom(file.toString()), flags, OWNER_READ_WRITE);
            if (fd < 0) {
                throw failure(file, "cannot open", errno(state));
            }
            try {
                if (reserve) {
                    int error = (int) Libc.FALLOCATE.invokeExact(fd, 0L, size);
                    if (error != 0) {
                        throw failure(file, "cannot reserve " + size + " bytes for", error);
                    }
                }
                int mapping = reserve ? MAP_SHARED : MAP_SHARED | MAP_POPULATE;
                long address = (long) Libc.MMAP.invokeExact(state, MemorySegment.NULL, size, PROT_READ_WRITE, mapping, fd, 0L);
                if (address == MAP_FAILED) {
                    throw failure(file, "cannot map " + size + " bytes of", errno(state));
                }
                return address;
            } finally {
                int closed = (int) Libc.CLOSE.invokeExact(fd);
                assert closed == 0 || closed == -1; // a close that fails leaves nothing to do
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("a libc call on " + file + " failed", t);
        }
    }

    /** The {@code size} bytes mapped at {@code address}, in no arena: callers give them one with {@code reinterpret}. */
    public static MemorySegment segment(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    /** Unmaps what {@link #create} or {@link #open} mapped; the caller makes sure nothing reads it any more. */
    public static void unmap(long address, long size) {
        try {
            int result = (int) Libc.MUNMAP.invokeExact(address, size);
            if (result != 0) {
                throw new IllegalStateException("munmap of " + size + " bytes at " + Long.toHexString(address) + " failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, Libc.ERRNO_OFFSET);
    }

    private static IOException failure(Path file, String what, int errno) {
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(file.toString());
            case EEXIST -> new FileAlreadyExistsException(file.toString());
            case ELOOP -> new FileSystemException(file.toString(), null, "is a symbolic link");
            case ENOSPC -> new FileSystemException(file.toString(), null, what + " it: no space left on "
                    + file.getParent() + " (it holds shared memory in RAM; see df " + file.getParent() + ")");
            default -> new FileSystemException(file.toString(), null, what + " it: errno " + errno);
        };
    }
}
