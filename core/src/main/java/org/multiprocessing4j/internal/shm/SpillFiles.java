package org.multiprocessing4j.internal.shm;

import java.io.IOException;
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

    /** Writes a large payload to a new spill file of {@code ring}; returns the file's name as a frame's body. */
    static byte[] write(SharedSegment ring, byte[] payload) {
        String name = ring.name() + INFIX + Liveness.selfTag() + "-" + RandomBytes.hex(RANDOM_BYTES);
        Path path = SharedSegment.DIRECTORY.resolve(name);
        try (FileChannel out = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(payload);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a large message to " + path, e);
        }
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /** The payload of the spill file a frame names. */
    static byte[] read(byte[] frameBody) throws IOException {
        return Files.readAllBytes(pathOf(frameBody));
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
