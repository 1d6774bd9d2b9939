package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.multiprocessing4j.internal.sys.RandomBytes;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/**
 * The files beside a ring that hold messages too large for it: {@code <segment>.spill.<writer pid>-
 * <writer start time>-<random>}, 0600, in /dev/shm. A frame of the ring holds the file's name; the
 * reader reads the file before it consumes the frame, and deletes it after.
 *
 * <p>A file nobody can read any more is deleted by the tracker: one whose ring is gone, or one
 * whose writer has died without its name reaching the ring (killed between writing the file and
 * committing the frame). A file whose frame is committed stays until it is read, whoever wrote it;
 * the tracker tells the two apart by the names in the ring's frames
 * ({@link MessageRing#spillNamesInFlight}).
 */
final class SpillFiles {
    private static final String INFIX = ".spill.";
    private static final int RANDOM_BYTES = 8;
    /** The most read or written in one call: what the JDK's temporary direct buffer per thread grows to. */
    static final int CHUNK = 1 << 20;
    private static final int BYTE_MASK = 0xff;

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
     * Writes a large payload, {@code head} then {@code body}, to a new spill file of {@code ring};
     * returns the file's name as a frame's body. Written from the arrays as they are, a chunk at a
     * time: no copy of the whole payload is made on the heap, nor of more than a chunk off it.
     */
    static byte[] write(SharedSegment ring, byte[] head, byte[] body) {
        String name = ring.name() + INFIX + Liveness.selfTag() + "-" + RandomBytes.hex(RANDOM_BYTES);
        Path path = SharedSegment.DIRECTORY.resolve(name);
        try (FileChannel out = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            writeFully(out, head);
            writeFully(out, body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a large message to " + path, e);
        }
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /** The payload of the spill file a frame names, as {@code reader} reads it. */
    static <T> T read(byte[] frameBody, MessageRing.Reader<T> reader) throws IOException {
        try (FileChannel in = FileChannel.open(pathOf(frameBody), StandardOpenOption.READ)) {
            long size = in.size();
            if (size > Integer.MAX_VALUE) {
                throw new CorruptFrameException("corrupt queue frame: a spill file of " + size + " bytes");
            }
            return reader.spillFile(new ChunkedInput(in), (int) size);
        }
    }

    private static void writeFully(FileChannel out, byte[] bytes) throws IOException {
        for (int at = 0; at < bytes.length; ) {
            at += out.write(ByteBuffer.wrap(bytes, at, Math.min(CHUNK, bytes.length - at)));
        }
    }

    /**
     * A spill file's contents, read at most a {@link #CHUNK} per call: the JDK reads into the heap
     * through a direct buffer as large as the read, which it keeps for the thread.
     */
    private static final class ChunkedInput extends InputStream {
        private final FileChannel in;

        ChunkedInput(FileChannel in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & BYTE_MASK;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return length == 0 ? 0 : in.read(ByteBuffer.wrap(bytes, offset, Math.min(CHUNK, length)));
        }
    }

    /** Deletes the spill file a frame names, once it is read or will never be. */
    static void delete(byte[] frameBody) {
        try {
            Files.deleteIfExists(pathOf(frameBody));
        } catch (IOException e) {
            // the tracker deletes it once nobody can read it
        }
    }

    /** @throws CorruptFrameException if the frame does not name a spill file */
    private static Path pathOf(byte[] frameBody) throws CorruptFrameException {
        String name = new String(frameBody, StandardCharsets.UTF_8);
        if (name.contains("/") || !isSpill(name)) {
            throw new CorruptFrameException("corrupt queue frame: not a spill file name");
        }
        return SharedSegment.DIRECTORY.resolve(name);
    }
}
