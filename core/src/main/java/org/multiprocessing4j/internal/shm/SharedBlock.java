package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.multiprocessing4j.internal.sys.FileMapping;
import org.multiprocessing4j.internal.sys.RandomBytes;

/**
 * A named block of shared memory mapped into this process: the engine of {@code SharedMemory}.
 *
 * <p><b>Files.</b> A block's bytes live in a segment file of the creator's tree,
 * {@code /dev/shm/mp4j-<tree>-<random>} ({@link SharedLayout.Block}), made as every segment is:
 * written and registered under a temporary name, then renamed. Its name, the one users pass
 * around, is a symbolic link {@code /dev/shm/<name>} to that file, made last: claiming a name is
 * one atomic {@code symlink}, which fails if the name is taken, and a link exists only while its
 * file did when it was made. {@link #unlink} removes the link, then the file.
 *
 * <p><b>Lifetime.</b> A process that creates or attaches a block is one of its users (the header's
 * user slots) until it exits: {@link #close} only unmaps, so a block made, closed and then attached
 * by a process that was given its name still exists, as in Python. A block nobody unlinks is deleted
 * by the {@link ResourceTracker} once every process that used it has ended, and never before (unlike
 * CPython's tracker, which unlinks a block when any process that attached it exits, gh-82300); the
 * tracker then deletes the link too, which then names no file.
 *
 * <p><b>Mapping.</b> The file is mapped by {@link FileMapping}, and its body handed out in a shared
 * arena: {@link #close} closes the arena, so every segment and buffer made from {@link #body}
 * fails with {@link IllegalStateException} from then on, and unmaps. A block that is never closed
 * is unmapped by a {@link Cleaner} once neither it nor anything made from its body is reachable:
 * the arena's close action holds the block, so a segment that outlives its handle keeps the mapping.
 *
 * <p><b>Foreign blocks.</b> A name that is a regular file, such as a block made by CPython's
 * {@code SharedMemory}, is attached as it is: all of the file, with no header, and no tracking.
 */
public final class SharedBlock {
    /** The longest file name Linux takes (NAME_MAX), in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 255;
    /** The names {@link #create(long)} picks, as CPython's {@code psm_} ones. */
    static final String RANDOM_NAME_PREFIX = "psm_";
    private static final int RANDOM_NAME_BYTES = 4;
    private static final int RANDOM_NAME_TRIES = 100;
    private static final Cleaner CLEANER = Cleaner.create();

    private final String name;
    private final long size;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment body;
    private final Cleaner.Cleanable unmapping;

    private SharedBlock(String name, long address, long length, long bodyOffset, long size) {
        this.name = name;
        this.size = size;
        LiveMappings.mapped(length);
        this.unmapping = CLEANER.register(this, new Unmapping(address, length));
        // The close action holds this block: what is made from the body keeps it, and the mapping, reachable.
        this.body = FileMapping.segment(address, length).asSlice(bodyOffset, size).reinterpret(arena, unmapped -> release());
    }

    /** Unmaps a mapping once, whether the block was closed or became unreachable. */
    private record Unmapping(long address, long length) implements Runnable {
        @Override
        public void run() {
            FileMapping.unmap(address, length);
            LiveMappings.unmapped(length);
        }
    }

    /**
     * The blocks this process has mapped and not yet unmapped. A loop that drops handles without
     * closing them allocates too little heap for the collector to find them, so once
     * {@link SegmentLifetime#GC_AFTER_SEGMENTS} or {@link SegmentLifetime#GC_AFTER_BYTES} more are
     * mapped than after the last request, a collection is asked for; a loop that closes its blocks
     * never asks.
     */
    private static final class LiveMappings {
        private static int count;
        private static long bytes;
        private static int countAtLastRequest;
        private static long bytesAtLastRequest;

        static void mapped(long length) {
            boolean collect;
            synchronized (LiveMappings.class) {
                count++;
                bytes += length;
                collect = count - countAtLastRequest > SegmentLifetime.GC_AFTER_SEGMENTS
                        || bytes - bytesAtLastRequest > SegmentLifetime.GC_AFTER_BYTES;
                if (collect) {
                    countAtLastRequest = count;
                    bytesAtLastRequest = bytes;
                }
            }
            if (collect) {
                System.gc();
            }
        }

        static synchronized void unmapped(long length) {
            count--;
            bytes -= length;
            countAtLastRequest = Math.min(countAtLastRequest, count);
            bytesAtLastRequest = Math.min(bytesAtLastRequest, bytes);
        }
    }

    private void release() {
        unmapping.clean();
    }

    /**
     * Makes a zeroed block of {@code size} bytes under a name no block has, {@code psm_} and random
     * hex digits.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws UncheckedIOException if /dev/shm cannot hold it
     */
    public static SharedBlock create(long size) {
        checkSize(size);
        for (int tries = 0; ; tries++) {
            try {
                return make(RANDOM_NAME_PREFIX + RandomBytes.hex(RANDOM_NAME_BYTES), size);
            } catch (FileAlreadyExistsException e) {
                if (tries == RANDOM_NAME_TRIES) {
                    throw new UncheckedIOException("found no free name for shared memory after " + tries + " tries", e);
                }
            }
        }
    }

    /**
     * Makes a zeroed block of {@code size} bytes called {@code name}.
     *
     * @throws IllegalArgumentException if the name is not one a block can have ({@link #checkName}), or
     *     {@code size} is not positive
     * @throws UncheckedIOException with a {@link FileAlreadyExistsException} cause if the name is taken,
     *     or naming the reason if /dev/shm cannot hold the block
     */
    public static SharedBlock create(String name, long size) {
        checkName(name);
        checkSize(size);
        try {
            return make(name, size);
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("shared memory '" + name + "' already exists", e);
        }
    }

    private static SharedBlock make(String name, long size) throws FileAlreadyExistsException {
        String file = SharedSegment.newFileName();
        Path creating = SharedSegment.creatingPath(file);
        Path created = SharedSegment.DIRECTORY.resolve(file);
        long length = SharedLayout.Block.fileLength(size);
        long address = 0;
        try {
            address = FileMapping.create(creating, length);
            SharedSegment.publish(FileMapping.segment(address, SharedLayout.Header.SIZE), SharedLayout.Header.KIND_BLOCK,
                    size, file);
            Files.createSymbolicLink(SharedSegment.DIRECTORY.resolve(name), Path.of(file));
            return new SharedBlock(name, address, length, SharedLayout.Block.BODY, size);
        } catch (IOException | RuntimeException e) {
            if (address != 0) {
                FileMapping.unmap(address, length);
            }
            deleteQuietly(creating);
            deleteQuietly(created);
            if (e instanceof FileAlreadyExistsException taken && !taken.getFile().equals(creating.toString())) {
                throw taken;
            }
            throw e instanceof IOException io
                    ? new UncheckedIOException("cannot create shared memory '" + name + "' of " + size + " bytes: "
                            + io.getMessage(), io)
                    : (RuntimeException) e;
        }
    }

    /**
     * Maps the block called {@code name} and makes this process one of its users.
     *
     * @throws IllegalArgumentException if the name is not one a block can have
     * @throws UncheckedIOException with a {@link NoSuchFileException} cause if no block has that
     *     name, or naming the reason if the block cannot be mapped or is damaged
     */
    public static SharedBlock attach(String name) {
        checkName(name);
        Path link = SharedSegment.DIRECTORY.resolve(name);
        try {
            if (!Files.isSymbolicLink(link)) {
                long length = Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
                return new SharedBlock(name, FileMapping.open(link, length), length, 0, length);
            }
            Path file = SharedSegment.DIRECTORY.resolve(ourFileOf(name, Files.readSymbolicLink(link)));
            long length = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
            if (length < SharedLayout.Block.BODY) {
                throw new IOException("its file " + file + " is too short to be a block (" + length + " bytes)");
            }
            long address = FileMapping.open(file, length);
            try {
                MemorySegment header = FileMapping.segment(address, SharedLayout.Header.SIZE);
                long size = checkedSize(header, length);
                if (!ProcessSlots.register(header, SharedLayout.Header.USER_SLOTS_OFFSET, SharedLayout.Header.USER_SLOTS)) {
                    throw new IOException(SharedLayout.Header.USER_SLOTS + " live processes use it already, the most it records");
                }
                return new SharedBlock(name, address, length, SharedLayout.Block.BODY, size);
            } catch (IOException | RuntimeException e) {
                FileMapping.unmap(address, length);
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("no shared memory is called '" + name + "'", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot attach shared memory '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The file a link of ours names: one of our segment files, in /dev/shm; anything else is refused. */
    private static String ourFileOf(String name, Path target) throws IOException {
        String file = target.toString();
        if (!file.startsWith(SharedSegment.PREFIX) || file.contains("/") || file.endsWith(SharedSegment.CREATING_SUFFIX)) {
            throw new IOException("/dev/shm/" + name + " is a link to " + target + ", not a block of this library");
        }
        return file;
    }

    /** The block's size from a header of ours, checked against the file: damage is reported, not mapped. */
    private static long checkedSize(MemorySegment header, long length) throws IOException {
        int magic = header.get(ValueLayout.JAVA_INT, SharedLayout.Header.MAGIC_OFFSET);
        int kind = header.get(ValueLayout.JAVA_INT, SharedLayout.Header.KIND_OFFSET);
        long size = header.get(ValueLayout.JAVA_LONG, SharedLayout.Header.BODY_SIZE_OFFSET);
        if (magic != SharedLayout.Header.MAGIC || kind != SharedLayout.Header.KIND_BLOCK) {
            throw new IOException("its file is not a block (magic " + Integer.toHexString(magic) + ", kind " + kind + ")");
        }
        if (size <= 0 || size > length - SharedLayout.Block.BODY) {
            throw new IOException("its header is damaged: it says " + size + " bytes, and the file holds "
                    + (length - SharedLayout.Block.BODY));
        }
        return size;
    }

    /**
     * Removes the name {@code name}, and the file of the block it named: processes that have it
     * mapped keep their mapping, and nobody can attach to it any more.
     *
     * @throws UncheckedIOException with a {@link NoSuchFileException} cause if no block has that name
     *     (it was unlinked already, say)
     */
    public static void unlink(String name) {
        checkName(name);
        Path link = SharedSegment.DIRECTORY.resolve(name);
        try {
            Path target = Files.isSymbolicLink(link) ? Files.readSymbolicLink(link) : null;
            Files.delete(link);
            if (target != null) {
                Files.deleteIfExists(SharedSegment.DIRECTORY.resolve(ourFileOf(name, target)));
            }
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("no shared memory is called '" + name + "' (unlinked already?)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unlink shared memory '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * Deletes, in /dev/shm, this user's links to segment files that no longer exist: the names of
     * blocks the tracker deleted. A link is made after its file, and unlinked before it, so one whose
     * file is gone is never in use.
     *
     * @return how many it deleted
     */
    static int deleteDanglingNames() throws IOException {
        int deleted = 0;
        try (var entries = Files.newDirectoryStream(SharedSegment.DIRECTORY, Files::isSymbolicLink)) {
            for (Path link : entries) {
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.startsWith(SharedSegment.PREFIX) && !target.contains("/")
                            && !Files.exists(link.resolveSibling(target), LinkOption.NOFOLLOW_LINKS)
                            && ResourceTracker.ownedByUs(link)) {
                        Files.deleteIfExists(link);
                        deleted++;
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile, or not ours to read: looked at again next period
                }
            }
        }
        return deleted;
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with {@code name}: it must be a file name
     *     in /dev/shm (no slash, not {@code .} or {@code ..}, at most {@link #MAX_NAME_BYTES} bytes of
     *     UTF-8) that is not one of this library's own ({@code mp4j-...})
     */
    public static void checkName(String name) {
        java.util.Objects.requireNonNull(name, "name");
        String problem = null;
        if (name.isEmpty()) {
            problem = "it is empty";
        } else if (name.indexOf('/') >= 0) {
            problem = "it has a slash; a name is one file name in /dev/shm";
        } else if (name.indexOf('\0') >= 0) {
            problem = "it has a NUL character";
        } else if (name.equals(".") || name.equals("..")) {
            problem = "it names a directory";
        } else if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            problem = "it is longer than the system's limit of " + MAX_NAME_BYTES + " bytes (NAME_MAX)";
        } else if (name.startsWith(SharedSegment.PREFIX)) {
            problem = "names that begin with " + SharedSegment.PREFIX + " are this library's own";
        }
        if (problem != null) {
            throw new IllegalArgumentException("'" + (name.length() > 40 ? name.substring(0, 40) + "..." : name)
                    + "' cannot name shared memory: " + problem);
        }
    }

    private static void checkSize(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("the size of shared memory must be positive, not " + size);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the tracker deletes what has no live user
        }
    }

    public String name() {
        return name;
    }

    public long size() {
        return size;
    }

    /**
     * The block's bytes, valid until {@link #close}.
     *
     * @throws IllegalStateException if this mapping was closed
     */
    public MemorySegment body() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("shared memory '" + name + "' is closed in this process");
        }
        return body;
    }

    /** True until {@link #close}. */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /** Unmaps the block in this process, once; segments and buffers made from it fail from then on. */
    public void close() {
        try {
            arena.close();
        } catch (IllegalStateException e) {
            if (arena.scope().isAlive()) {
                throw e; // in use by a native call of another thread: Arena.close's own report
            }
        }
    }
}
