package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.multiprocessing4j.internal.sys.Futex;
import org.multiprocessing4j.internal.sys.RandomBytes;

/**
 * A file under {@code /dev/shm}, mapped into this process: the memory the synchronization
 * primitives and shared values live in.
 *
 * <p>Names are {@code mp4j-<tree>-<random>}, where {@code <tree>} names the process tree (the
 * root's pid and start time, inherited by every child), so that the tree's
 * {@link ResourceTracker} finds them. Files are readable by their owner only (0600).
 *
 * <p>A segment is mapped at most once per process at a time, however many handles refer to it.
 * Every process that maps it registers itself in the header ({@link SharedLayout.Header}); once no
 * handle in the process refers to it, the process leaves it and the JVM unmaps it, and the last
 * user to leave deletes the file ({@link SegmentLifetime}); the tracker deletes the files whose
 * users were all killed. A new segment is written and registered under a temporary name and then
 * renamed, so the tracker never sees one without its creator.
 *
 * <p>Serialized, a segment is its name ({@link Descriptor}); deserialized, it is attached, so any
 * handle that holds one re-attaches in the process it is sent to.
 */
public final class SharedSegment implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    public static final Path DIRECTORY = Path.of("/dev/shm");
    static final String PREFIX = "mp4j-";
    static final String CREATING_SUFFIX = ".new";
    private static final int RANDOM_BYTES = 8;
    private static final long PAGE = 4096;

    private static volatile String treeTag =
            Liveness.selfTag();
    /** The segments mapped in this process, by name; weakly, so that an unused one can be freed. */
    private static final Map<String, WeakReference<SharedSegment>> MAPPED = new ConcurrentHashMap<>();

    private final String name;
    private final MemorySegment memory;
    private final transient SegmentLifetime lifetime;

    private SharedSegment(String name, MemorySegment memory) {
        this.name = name;
        this.memory = memory;
        this.lifetime = SegmentLifetime.watch(this, name, memory);
    }

    /** The name shared by the segments of this process tree. */
    public static String treeTag() {
        return treeTag;
    }

    /** Called once in a child, before any segment is made: it joins its parent's tree. */
    public static void inheritTreeTag(String tag) {
        treeTag = tag;
    }

    /**
     * Creates a zeroed segment with {@code bodySize} bytes after the header, registers this
     * process as its user, and makes sure the tree's resource tracker runs.
     *
     * @throws UncheckedIOException if /dev/shm cannot hold it
     */
    public static SharedSegment create(int kind, long bodySize) {
        // A process that makes shared memory waits or wakes on it: the link starts now.
        Futex.linkInBackground();
        long size = roundUpToPage(SharedLayout.Header.SIZE + bodySize);
        try {
            SharedSegment segment = Uninterruptibly.onChannel(new Creation(kind, bodySize, size), NOTHING_TO_RECOVER);
            MAPPED.put(segment.name, new WeakReference<>(segment));
            return segment;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shared memory in " + DIRECTORY + ": " + e.getMessage(), e);
        }
    }

    /** One attempt of {@link #create}, under a new name; leaves no file behind when it fails. */
    private static SharedSegment tryCreate(int kind, long bodySize, long size) throws IOException {
        String name = newFileName();
        Path creating = creatingPath(name);
        try {
            SharedSegment segment;
            try (FileChannel channel = FileChannel.open(creating, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                channel.write(ByteBuffer.allocate(1), size - 1);
                segment = new SharedSegment(name, mapped(channel, FileChannel.MapMode.READ_WRITE, size));
            }
            publish(segment.memory, kind, bodySize, name);
            return segment;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(creating);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw e;
        }
    }

    /** A new segment file's name in this process's tree: {@code mp4j-<tree>-<random>}. */
    static String newFileName() {
        return PREFIX + treeTag + "-" + RandomBytes.hex(RANDOM_BYTES);
    }

    /** Where the file called {@code name} is written before {@link #publish} renames it into place. */
    static Path creatingPath(String name) {
        return DIRECTORY.resolve(name + CREATING_SUFFIX);
    }

    /**
     * Makes the segment file written at {@link #creatingPath} of {@code name}, whose mapping starts
     * at {@code header}, visible: writes its header, the magic number last, registers this process as
     * its first user, renames it to {@code name}, and makes sure the tree's resource tracker runs.
     * So the tracker never sees a segment without its creator.
     */
    static void publish(MemorySegment header, int kind, long bodySize, String name) throws IOException {
        header.set(ValueLayout.JAVA_INT, SharedLayout.Header.VERSION_OFFSET, SharedLayout.Header.VERSION);
        header.set(ValueLayout.JAVA_INT, SharedLayout.Header.KIND_OFFSET, kind);
        header.set(ValueLayout.JAVA_LONG, SharedLayout.Header.BODY_SIZE_OFFSET, bodySize);
        header.set(ValueLayout.JAVA_INT, SharedLayout.Header.MAGIC_OFFSET, SharedLayout.Header.MAGIC);
        ProcessSlots.registerInNewTable(header, SharedLayout.Header.USER_SLOTS_OFFSET);
        Files.move(creatingPath(name), DIRECTORY.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        ResourceTracker.ensureRunning(treeTag);
    }

    /**
     * The segment called {@code name}, mapped into this process (once) and registered.
     *
     * @throws UncheckedIOException if it does not exist any more (every process that used it has
     *     ended) or is not one of ours
     */
    public static SharedSegment attach(String name) {
        SharedSegment segment = mapped(name);
        if (segment != null) {
            return segment;
        }
        synchronized (MAPPED) {
            segment = mapped(name);
            if (segment == null) {
                segment = map(name);
                segment.register();
                MAPPED.put(name, new WeakReference<>(segment));
                if (segment.holdsRing()) {
                    // A process that attaches a queue, a pipe or a pool's rings waits or wakes on
                    // them: the link starts now, not at its first wake, which a sleeping reader
                    // would otherwise wait for. One that attaches only values and locks never links.
                    Futex.linkInBackground();
                }
            }
            return segment;
        }
    }

    /**
     * Maps this segment's file once more, as {@link #attach} maps one this process has not mapped
     * yet, and lets that mapping go (the JVM unmaps it with the rest of its garbage): for the AOT
     * cache's training, whose process attaches no segment but its own, so that the cache holds what
     * a child's attach loads too. Without it, every child given a handle opened the library's JAR
     * for one class of that path, some milliseconds of its start.
     *
     * @throws IOException if the file is gone, or is not a segment
     */
    public void mapAsAnotherProcessWould() throws IOException {
        mapFile(name);
    }

    /** True for a queue's, a pipe's or a pool's segment, whose rings are waited on. */
    boolean holdsRing() {
        int kind = kind();
        return kind == SharedLayout.Header.KIND_QUEUE || kind == SharedLayout.Header.KIND_PIPE
                || kind == SharedLayout.Header.KIND_POOL;
    }

    /**
     * The number of segments this process has mapped so far, made or attached; an idle process
     * compares it with its count at its last collection, to ask for one only once it mapped more
     * ({@link IdleCollection}).
     */
    public static long mappingsMade() {
        return SegmentLifetime.segmentsWatched();
    }

    private static SharedSegment mapped(String name) {
        WeakReference<SharedSegment> ref = MAPPED.get(name);
        return ref == null ? null : ref.get();
    }

    /**
     * Called by the {@link SegmentLifetime} of a segment found unreachable: forgets it, unless it was
     * mapped again meanwhile, in which case the process must stay registered.
     *
     * @return true if this process no longer maps {@code name}
     */
    static boolean forget(String name) {
        synchronized (MAPPED) {
            WeakReference<SharedSegment> ref = MAPPED.get(name);
            if (ref != null && ref.get() != null) {
                return false;
            }
            MAPPED.remove(name);
            return true;
        }
    }

    /**
     * {@code offset}, read from a handle's descriptor, once it is known that {@code length} bytes
     * from it lie inside this segment: a damaged or forged descriptor is an error here, not an
     * {@link IndexOutOfBoundsException} at the handle's first use.
     *
     * @throws StreamCorruptedException naming the segment, the offset and the sizes
     */
    public long checkedOffset(long offset, long length) throws StreamCorruptedException {
        if (offset < SharedLayout.Header.SIZE || length < 0 || offset > memory.byteSize() - length) {
            throw new StreamCorruptedException("a handle names " + length + " bytes at offset " + offset
                    + " of shared segment " + name + ", which has " + memory.byteSize());
        }
        return offset;
    }

    /**
     * Writes this segment's name, for a compact form that {@link #readFrom} reads back. Some process
     * may attach to it from what was written, so this one stays its user: while the child runs if
     * this is a launch, until the frame is taken if a queue's or a pipe's, else until it exits
     * ({@link #descriptorWritten}).
     */
    public void writeTo(DataOutputStream out) throws IOException {
        descriptorWritten();
        out.writeUTF(name);
    }

    /**
     * The segment whose name {@link #writeTo} wrote, attached to this process.
     *
     * @throws UncheckedIOException if the segment no longer exists or cannot be mapped
     */
    public static SharedSegment readFrom(DataInputStream in) throws IOException {
        return received(attach(in.readUTF()));
    }

    /** {@code segment}, attached from a descriptor just read: counted down if a frame taken sent it. */
    private static SharedSegment received(SharedSegment segment) {
        CountedSends.attached(segment);
        return segment;
    }

    @Serial
    private Object writeReplace() {
        descriptorWritten();
        return new Descriptor(name);
    }

    /**
     * Some process may attach from the descriptor being written: a queue's or a pipe's frame counts
     * it until the frame is taken ({@link CountedSends}), a child's launch being encoded on this
     * thread holds the segment while the child runs, a pool's task until its result is back; anything
     * else pins it here until exit, and marks the header, so that a launch or a task that brought it
     * here pins it too ({@link LaunchPins}, {@link TaskHolds}).
     */
    private void descriptorWritten() {
        if (CountedSends.counted(this) || LaunchPins.collected(this) || TaskHolds.collected(this)) {
            return;
        }
        lifetime.pinAndMarkSent();
    }

    /** Sent on a queue or a pipe: see {@link CountedSends}. */
    void countSent() {
        lifetime.countSent();
    }

    /** A frame naming this segment was taken here, or did not go out: see {@link CountedSends}. */
    void countOff() {
        lifetime.countOff();
    }

    /** True for a block of small primitives, many to the segment ({@link SharedHeap}). */
    boolean isHeapBlock() {
        return kind() == SharedLayout.Header.KIND_HEAP;
    }

    /** The header's kind, one of {@link SharedLayout.Header}'s {@code KIND_*}. */
    private int kind() {
        return memory.get(ValueLayout.JAVA_INT, SharedLayout.Header.KIND_OFFSET);
    }

    /** A pool's task being encoded took the descriptor: see {@link TaskHolds}. */
    void heldByTask() {
        lifetime.heldByTask();
    }

    /** A launch being encoded took the descriptor: see {@link LaunchPins}. */
    void launchStarted() {
        lifetime.launchStarted();
    }

    /** The child that read a launch holding this segment has ended: pinned if the descriptor was sent on. */
    void launchEnded() {
        lifetime.launchEnded();
    }

    /**
     * What a segment is on the wire: its name. A class, not a record: Java serialization reads a
     * record through its canonical constructor as a method handle, which a fresh JVM generates
     * classes for (docs/DESIGN.md, "Start-up cost").
     */
    private static final class Descriptor implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String name;

        Descriptor(String name) {
            this.name = name;
        }

        @Serial
        private Object readResolve() {
            return received(SharedSegment.attach(name));
        }
    }

    private static SharedSegment map(String name) {
        // The futex call is linked once a ring is attached (attach) or at this process's first wait
        // or wake, not here: a child that only sets a value never needs it.
        Futex.checkPlatform();
        if (!name.startsWith(PREFIX) || name.contains("/")) {
            throw new IllegalArgumentException("not a multiprocessing4j segment name: " + name);
        }
        try {
            return new SharedSegment(name, mapFile(name));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("shared segment " + name
                    + " no longer exists: every process that used it has ended", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map shared segment " + name + ": " + e.getMessage(), e);
        }
    }

    /** The file of segment {@code name}, mapped as {@link #attach} maps it. */
    private static MemorySegment mapFile(String name) throws IOException {
        return Uninterruptibly.onChannel(new Mapping(DIRECTORY.resolve(name)), NOTHING_TO_RECOVER);
    }

    // The channel calls of create and map are classes rather than lambdas: a child whose target
    // holds a handle would spin each lambda's class on its way to the target, a millisecond or two
    // of a PRESPAWN start (DESIGN.md, "Start-up cost"). Each call opens its own channel, so an
    // interrupt that closed one leaves nothing to recover: the call is made again.
    private static final Uninterruptibly.Recovery NOTHING_TO_RECOVER = new NothingToRecover();

    private static final class NothingToRecover implements Uninterruptibly.Recovery {
        @Override
        public void recover() {
            // the next call opens a new channel
        }
    }

    private record Creation(int kind, long bodySize, long size) implements Uninterruptibly.ChannelCall<SharedSegment> {
        @Override
        public SharedSegment call() throws IOException {
            return tryCreate(kind, bodySize, size);
        }
    }

    private record Mapping(Path path) implements Uninterruptibly.ChannelCall<MemorySegment> {
        @Override
        public MemorySegment call() throws IOException {
            return mapOurs(path);
        }
    }

    /** The whole file at {@code path}, mapped, if it is a segment of this library's. */
    private static MemorySegment mapOurs(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment memory = mapped(channel, FileChannel.MapMode.READ_WRITE, channel.size());
            if (memory.byteSize() < SharedLayout.Header.SIZE
                    || memory.get(ValueLayout.JAVA_INT, SharedLayout.Header.MAGIC_OFFSET) != SharedLayout.Header.MAGIC) {
                throw new IOException("not a multiprocessing4j segment");
            }
            return memory;
        }
    }

    /**
     * Maps the first {@code size} bytes of {@code channel} as this package maps every file (a
     * segment, a spill file's header, the page a spare maps to warm up): in an automatic arena, so
     * the JVM unmaps it once nothing refers to the segment or a slice of it. Not through a
     * {@code MappedByteBuffer}, which the JDK makes through a reflective constructor whose first
     * call generates classes the AOT cache cannot keep (see DESIGN.md).
     */
    static MemorySegment mapped(FileChannel channel, FileChannel.MapMode mode, long size) throws IOException {
        return channel.map(mode, 0, size, Arena.ofAuto());
    }

    /**
     * Leaves the segment now rather than when it becomes unreachable, pinned or not, and deletes its
     * file if no other live process uses it: for an owner that knows it will not use the segment
     * again and that every process it gave the descriptor to has ended, such as a pool whose workers
     * are gone. The mapping stays valid while this object is reachable.
     */
    public void retire() {
        synchronized (MAPPED) {
            MAPPED.remove(name);
        }
        lifetime.retire();
    }

    /**
     * As {@link #retire}, and deletes the file even while other processes map it: for a segment
     * that nobody can use again, such as a pipe whose every end is closed, though this process may
     * have written its descriptor. Their mappings stay valid; only attaching by name fails from now on.
     */
    public void delete() {
        retire();
        try {
            java.nio.file.Files.deleteIfExists(DIRECTORY.resolve(name));
        } catch (IOException e) {
            // the tracker deletes it once no user is alive
        }
    }

    /** True while another process may attach from a descriptor this one wrote. */
    boolean pinned() {
        return lifetime.pinned();
    }

    public String name() {
        return name;
    }

    /** The whole mapping, header included: primitives address it with {@link SharedLayout} offsets. */
    public MemorySegment memory() {
        return memory;
    }

    /** The 4-byte word at {@code offset}, as the futex calls take it. */
    public MemorySegment word(long offset) {
        return memory.asSlice(offset, Integer.BYTES);
    }

    /**
     * Takes a free user slot, or one of a dead process.
     *
     * @throws IllegalStateException if every slot is held by a live process: unrecorded, this one
     *     could see the file deleted under it once those end
     */
    private void register() {
        if (!ProcessSlots.registerMapping(memory, SharedLayout.Header.USER_SLOTS_OFFSET,
                SharedLayout.Header.USER_SLOTS)) {
            throw new IllegalStateException("shared segment " + name + " is used by " + SharedLayout.Header.USER_SLOTS
                    + " live processes already, the most it records; process " + Liveness.selfPid() + " cannot use it too");
        }
    }

    /** True if a process registered in the header of {@code memory} is alive, or still registering. */
    static boolean hasLiveUser(MemorySegment memory) {
        return ProcessSlots.state(memory, SharedLayout.Header.USER_SLOTS_OFFSET, SharedLayout.Header.USER_SLOTS)
                == ProcessSlots.State.ALIVE;
    }

    /** True while a frame of a queue or a pipe that names the segment is not taken ({@link CountedSends}). */
    static boolean hasFramesInFlight(MemorySegment memory) {
        return (int) Atomics.INT.getVolatile(memory, (long) SharedLayout.Header.IN_FLIGHT_OFFSET) > 0;
    }

    private static long roundUpToPage(long size) {
        return (size + PAGE - 1) / PAGE * PAGE;
    }

    /** The same file, mapped or not in this process. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SharedSegment other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

}
