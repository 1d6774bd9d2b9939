package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.multiprocessing4j.internal.sys.RandomBytes;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/**
 * The files beside a ring that hold messages too large for it ({@link SharedLayout.Spill}):
 * {@code <segment>.spill.<writer pid>-<writer start time>-<random>}, 0600, in /dev/shm. A process
 * keeps one it uses open, its header mapped and its message read and written through the file: a
 * mapping of a message's pages would cost its first touch in each process, which on some virtual
 * machines costs more than the copy, and a file is filled again many times. {@link SpillBlocks}
 * decides when one is made, filled again, and deleted.
 *
 * <p>A file nobody can read any more is deleted by the tracker: one whose ring is gone, or one
 * whose writer has died and that no committed frame names (its writer was killed before it
 * committed the frame, or its message was read). A file whose frame is committed stays until it
 * is read, whoever wrote it; the tracker tells the two apart by the names in the ring's frames
 * ({@link MessageRing#spillNamesInFlight}).
 */
final class SpillFiles {
    private static final String INFIX = ".spill.";
    private static final int RANDOM_BYTES = 8;

    private SpillFiles() {}

    /** True if {@code fileName} is a spill file's name. */
    static boolean isSpill(String fileName) {
        return fileName.contains(INFIX);
    }

    /** The name of the ring's segment that a spill file belongs to. */
    static String ringSegmentOf(String fileName) {
        return fileName.substring(0, fileName.indexOf(INFIX));
    }

    /** True while the process that wrote the spill file runs; a name that names none counts as dead. */
    static boolean writerAlive(String fileName) {
        return Liveness.isAlive(fileName.substring(fileName.indexOf(INFIX) + INFIX.length()));
    }

    /**
     * A spill file open in this process: a channel for its message, which is read and written
     * through the JDK's buffers rather than mapped, and its header mapped alone. One thread at a
     * time uses it.
     *
     * <p>A thread that is interrupted during a channel's read or write closes the channel, for
     * every thread: so each call runs with the thread's interrupt status cleared, reopens the file
     * if an interrupt closed it all the same, and sets the status again before it returns. A put or
     * a take is never cut in half by an interrupt.
     */
    static final class Opened {
        private final String name;
        private final MemorySegment header;
        private FileChannel channel;

        Opened(String name, FileChannel channel, MemorySegment header) {
            this.name = name;
            this.channel = channel;
            this.header = header;
        }

        MemorySegment header() {
            return header;
        }

        /** Writes {@code length} bytes of {@code bytes} from {@code offset} at {@code position} of the message. */
        void write(long position, byte[] bytes, int offset, int length) throws IOException {
            for (int done = 0; done < length; ) {
                int chunk = Math.min(CHUNK, length - done);
                ByteBuffer from = ByteBuffer.wrap(bytes, offset + done, chunk);
                long at = SharedLayout.Spill.MESSAGE + position + done;
                done += Uninterruptibly.onChannel(() -> channel.write(from, at), this::reopen);
            }
        }

        /**
         * Fills {@code length} bytes of {@code bytes} from {@code offset} with the message's bytes
         * from {@code position} on.
         *
         * @throws CorruptFrameException if the file ends first
         */
        void read(long position, byte[] bytes, int offset, int length) throws IOException {
            for (int done = 0; done < length; ) {
                int chunk = Math.min(CHUNK, length - done);
                ByteBuffer into = ByteBuffer.wrap(bytes, offset + done, chunk);
                long at = SharedLayout.Spill.MESSAGE + position + done;
                int read = Uninterruptibly.onChannel(() -> channel.read(into, at), this::reopen);
                if (read <= 0) {
                    throw new CorruptFrameException("corrupt queue frame: its spill file ends " + (length - done)
                            + " bytes short of its message");
                }
                done += read;
            }
        }

        /** After an interrupt closed the channel. */
        private void reopen() throws IOException {
            channel = FileChannel.open(pathOf(name), StandardOpenOption.READ, StandardOpenOption.WRITE);
        }

        /** Closes the channel; the header is unmapped once nothing refers to it. */
        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closed as far as this process can tell
            }
        }
    }

    /**
     * The most read or written in one call: the JDK copies through a temporary direct buffer as
     * large as the call, which it keeps for the thread.
     */
    static final int CHUNK = 1 << 20;

    /**
     * Makes a new spill file called {@code name} ({@link #newName}) with room for a message of
     * {@code capacity} bytes, its header written with {@code state} and generation 0.
     *
     * @throws UncheckedIOException if /dev/shm cannot hold it
     */
    static Opened create(String name, long capacity, int state) {
        try {
            return Uninterruptibly.onChannel(() -> tryCreate(name, capacity, state), () -> delete(name));
        } catch (IOException e) {
            delete(name);
            throw new UncheckedIOException("cannot make a spill file for a large message in "
                    + SharedSegment.DIRECTORY + ": " + e.getMessage(), e);
        }
    }

    private static Opened tryCreate(String name, long capacity, int state) throws IOException {
        FileChannel channel = FileChannel.open(pathOf(name), Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            // The header's page is written before it is mapped: were /dev/shm full, a write fails
            // where a store into the mapping of a page with no room would kill the JVM.
            channel.write(ByteBuffer.allocate(SharedLayout.Spill.MESSAGE), 0);
            channel.truncate(SharedLayout.Spill.MESSAGE + capacity);
            Opened opened = new Opened(name, channel, header(channel));
            opened.header().set(ValueLayout.JAVA_INT, SharedLayout.Spill.STATE, state);
            opened.header().set(ValueLayout.JAVA_INT, SharedLayout.Spill.MAGIC_OFFSET, SharedLayout.Spill.MAGIC);
            return opened;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A new spill file's name for the ring of segment {@code ringName}, written by this process. */
    static String newName(String ringName) {
        return ringName + INFIX + Liveness.selfTag() + "-" + RandomBytes.hex(RANDOM_BYTES);
    }

    /**
     * Opens the spill file a frame names.
     *
     * @throws CorruptFrameException if it is gone, or too short to be one
     */
    static Opened open(String name) throws IOException {
        return Uninterruptibly.onChannel(() -> tryOpen(name), () -> { });
    }

    private static Opened tryOpen(String name) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(pathOf(name), StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new CorruptFrameException("corrupt queue frame: its spill file " + name + " is gone");
        }
        try {
            long size = channel.size();
            if (size < SharedLayout.Spill.MESSAGE) { // its header cannot be mapped
                throw new CorruptFrameException("corrupt queue frame: its spill file has " + size + " bytes");
            }
            return new Opened(name, channel, header(channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The header of the spill file open as {@code channel}, mapped; unmapped once nothing refers to it. */
    private static MemorySegment header(FileChannel channel) throws IOException {
        return SharedSegment.mapped(channel, FileChannel.MapMode.READ_WRITE, SharedLayout.Spill.MESSAGE);
    }

    /** Deletes a spill file, once it is read or will never be. */
    static void delete(String name) {
        try {
            Files.deleteIfExists(pathOf(name));
        } catch (IOException | IllegalArgumentException e) {
            // the tracker deletes it once nobody can read it
        }
    }

    /** @throws IllegalArgumentException if {@code name} is not a spill file's */
    private static Path pathOf(String name) {
        if (name.contains("/") || !isSpill(name)) {
            throw new IllegalArgumentException("not a spill file name: " + name);
        }
        return SharedSegment.DIRECTORY.resolve(name);
    }
}
