package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.internal.wire.CorruptFrameException;
import org.multiprocessing4j.testing.Segments;

/**
 * Large messages go through files beside their ring, which their writer fills again once they are
 * read. Such a file stays while a committed frame names it, whoever wrote it, and goes as soon as
 * nobody can read it: not at the end of the tree. A file that does not hold what its frame says is
 * named, and the ring goes on.
 */
@Timeout(60)
class SpillFileTest {
    /** A ring this small spills every message over a quarter of it: 1 KiB. */
    private static final int CAPACITY = 4096;
    private static final int LARGE = 2048;

    private static List<Path> spillFilesOf(String ring) throws Exception {
        try (Stream<Path> files = Files.list(SharedSegment.DIRECTORY)) {
            return files.filter(p -> p.getFileName().toString().startsWith(ring + ".spill.")).toList();
        }
    }

    private static MessageRing ring(SharedSegment segment) {
        MessageRing ring = new MessageRing(segment, SharedLayout.Header.SIZE);
        ring.initialize(CAPACITY, 0, false);
        return ring;
    }

    private static SharedSegment segment() {
        return SharedSegment.create(SharedLayout.Header.KIND_QUEUE, SharedLayout.Ring.size(CAPACITY));
    }

    private static byte[] large(int seed) {
        byte[] message = new byte[LARGE];
        Arrays.fill(message, (byte) seed);
        return message;
    }

    /** The header of the one spill file of {@code ring}, mapped in {@code arena}, to damage. */
    private static MemorySegment spillHeader(String ring, Arena arena) throws Exception {
        return header(spillFilesOf(ring).getFirst(), arena);
    }

    private static MemorySegment header(Path spillFile, Arena arena) throws Exception {
        try (FileChannel channel = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, SharedLayout.Spill.MESSAGE, arena);
        }
    }

    @Test
    void aWriterFillsTheSameFileAgainOnceItsReaderHasReadIt() throws Exception {
        SharedSegment segment = segment();
        MessageRing ring = ring(segment);
        for (int i = 0; i < 100; i++) {
            ring.put(large(i), Deadline.never());
            assertThat(ring.take(Deadline.never())).isEqualTo(large(i));
        }
        assertThat(spillFilesOf(segment.name())).hasSize(1);
    }

    @Test
    void aWriterInAnotherProcessFillsItsFewFilesAgainWhileThisOneReads() throws Exception {
        Queue<byte[]> queue = new Queue<>();
        String ring = Segments.nameOf(queue);
        int messages = 50;
        Process writer = new Process(() -> {
            byte[] item = new byte[Queue.DEFAULT_CAPACITY / 2];
            for (int i = 0; i < messages; i++) {
                Arrays.fill(item, (byte) i);
                queue.put(item);
            }
            Thread.sleep(Long.MAX_VALUE); // until killed, so that its files can be looked at
        });
        writer.start();
        for (int i = 0; i < messages; i++) {
            byte[] item = queue.take();
            assertThat(item).hasSize(Queue.DEFAULT_CAPACITY / 2);
            assertThat(item[0]).isEqualTo((byte) i);
            assertThat(item[item.length - 1]).isEqualTo((byte) i);
        }
        List<Path> files = spillFilesOf(ring);
        assertThat(files).as("the writer's kept files; those of their own were deleted once read")
                .hasSizeLessThanOrEqualTo(SpillBlocks.KEPT_FILES);
        long mostCarried = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (Path file : files) {
                mostCarried = Math.max(mostCarried, header(file, arena).get(ValueLayout.JAVA_LONG, SharedLayout.Spill.GENERATION));
            }
        }
        assertThat(mostCarried).as("messages one file carried").isGreaterThan(1);
        writer.kill();
        writer.join();
        ResourceTracker.sweep(SharedSegment.treeTag());
        assertThat(spillFilesOf(ring)).isEmpty();
    }

    @Test
    void messagesNobodyReadsYetGoInFilesOfTheirOwnWithoutWaitingForAReaderAndComeBackInOrder() throws Exception {
        SharedSegment segment = segment();
        MessageRing ring = ring(segment);
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            assertThat(ring.put(large(i), Deadline.immediate())).isTrue();
        }
        assertThat(System.nanoTime() - start).as("each put waits at most a millisecond for a reader")
                .isLessThan(5_000_000_000L);
        assertThat(spillFilesOf(segment.name())).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(ring.take(Deadline.never())).isEqualTo(large(i));
        }
        assertThat(spillFilesOf(segment.name())).as("the files of their own are deleted once read; the kept ones stay")
                .hasSize(SpillBlocks.KEPT_FILES);
    }

    @Test
    void aSpillFileThatDoesNotHoldTheMessageItsFrameNamesIsReportedAndDroppedAndTheRingGoesOn() throws Exception {
        SharedSegment segment = segment();
        MessageRing ring = ring(segment);
        ring.put(large(1), Deadline.never());
        try (Arena arena = Arena.ofConfined()) {
            spillHeader(segment.name(), arena).set(ValueLayout.JAVA_LONG, SharedLayout.Spill.GENERATION, 99);
        }
        assertThatThrownBy(() -> ring.take(Deadline.never())).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("does not hold the message of 2048 bytes it names");
        assertThat(ring.items()).isZero();
        ring.put("small".getBytes(), Deadline.never());
        ring.put(large(2), Deadline.never());
        assertThat(new String(ring.take(Deadline.never()))).isEqualTo("small");
        assertThat(ring.take(Deadline.never())).isEqualTo(large(2));
    }

    @Test
    void aSpillFileDeletedUnderItsFrameIsReportedAndDroppedAndTheRingGoesOn() throws Exception {
        SharedSegment segment = segment();
        MessageRing ring = ring(segment);
        ring.put(large(1), Deadline.never());
        Files.delete(spillFilesOf(segment.name()).getFirst());
        assertThatThrownBy(() -> ring.take(Deadline.never())).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("is gone");
        ring.put(large(2), Deadline.never());
        assertThat(ring.take(Deadline.never())).isEqualTo(large(2));
    }

    @Test
    void aFileWhoseReaderDiedAfterTakingItsFrameCostsItsWriterOneShortWaitAndIsLetGo() throws Exception {
        SharedSegment segment = segment();
        MessageRing ring = ring(segment);
        ring.put(large(1), Deadline.never());
        ring.put(large(2), Deadline.never());
        List<Path> files = spillFilesOf(segment.name());
        assertThat(ring.take(Deadline.never())).isEqualTo(large(1));
        assertThat(ring.take(Deadline.never())).isEqualTo(large(2));
        try (Arena arena = Arena.ofConfined()) {
            // As readers killed between their consume and their compare-and-set leave the files:
            List<MemorySegment> headers = new java.util.ArrayList<>();
            for (Path file : files) {
                MemorySegment header = header(file, arena);
                header.set(ValueLayout.JAVA_INT, SharedLayout.Spill.STATE, SharedLayout.Spill.READING);
                headers.add(header);
            }
            ring.put(large(3), Deadline.never());
            assertThat(ring.take(Deadline.never())).isEqualTo(large(3));
            assertThat(headers).as("the one written longest ago is let go to whoever reads it, and left to the tracker")
                    .anyMatch(h -> h.get(ValueLayout.JAVA_INT, SharedLayout.Spill.STATE) == SharedLayout.Spill.ORPHANED);
        }
        assertThat(spillFilesOf(segment.name())).as("the stuck files and the one made instead").hasSize(3);
    }

    @Test
    void anImmediatePutDoesNotWaitForAReaderToFreeAFile() throws Exception {
        SharedSegment segment = segment();
        MessageRing ring = ring(segment);
        ring.put(large(1), Deadline.never());
        try (Arena arena = Arena.ofConfined()) {
            spillHeader(segment.name(), arena).set(ValueLayout.JAVA_INT, SharedLayout.Spill.STATE, SharedLayout.Spill.READING);
        }
        assertThat(ring.put(large(2), Deadline.immediate())).isTrue();
        assertThat(spillFilesOf(segment.name())).as("a file made rather than a wait").hasSize(2);
    }

    @Test
    void aPutOfALargeMessageThatWouldWaitForAReaderThrowsIfTheThreadIsInterruptedAndSendsNothing() throws Exception {
        SharedSegment segment = segment();
        MessageRing ring = ring(segment);
        ring.put(large(1), Deadline.never());
        ring.put(large(2), Deadline.never());
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> ring.put(large(3), Deadline.never())).isInstanceOf(InterruptedException.class);
        assertThat(ring.items()).isEqualTo(2);
        assertThat(ring.take(Deadline.never())).isEqualTo(large(1));
        assertThat(ring.take(Deadline.never())).isEqualTo(large(2));
    }

    @Test
    void anInterruptedThreadStillWritesAndReadsALargeMessageWholeAndKeepsItsInterruptStatus() throws Exception {
        SharedSegment segment = segment();
        MessageRing ring = ring(segment);
        Thread.currentThread().interrupt();
        assertThat(ring.put(large(1), Deadline.never())).isTrue();
        assertThat(ring.take(Deadline.never())).isEqualTo(large(1));
        assertThat(Thread.interrupted()).as("still interrupted").isTrue();
        ring.put(large(2), Deadline.never());
        assertThat(ring.take(Deadline.never())).as("the files' channels were not closed by the interrupt").isEqualTo(large(2));
    }

    /** A large item that says which it is: {@code id} in its first and last bytes. */
    private static byte[] numbered(int id) {
        byte[] item = new byte[Queue.DEFAULT_CAPACITY / 2];
        java.nio.ByteBuffer.wrap(item).putInt(0, id).putInt(item.length - Integer.BYTES, id);
        return item;
    }

    private static int idOf(byte[] item) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(item);
        assertThat(in.getInt(item.length - Integer.BYTES)).as("the item whole").isEqualTo(in.getInt(0));
        return in.getInt(0);
    }

    @Test
    void aReaderKilledInAStreamOfLargeItemsLosesAtMostTheOneItHeldAndTheWriterGoesOn() throws Exception {
        Queue<byte[]> queue = new Queue<>();
        String ring = Segments.nameOf(queue);
        int items = 60;
        org.multiprocessing4j.SharedIntArray taken = org.multiprocessing4j.Array.ofInts(items);
        org.multiprocessing4j.SharedInt started = org.multiprocessing4j.Value.ofInt(0);
        Process reader = new Process(() -> {
            started.set(1);
            while (true) {
                taken.addAndGet(idOf(queue.take()), 1);
            }
        });
        reader.start();
        while (started.get() == 0) {
            Thread.onSpinWait();
        }
        for (int i = 0; i < items; i++) {
            queue.put(numbered(i));
            if (i == items / 2) {
                reader.kill(); // in the middle of the stream, likely in the middle of a take
            }
        }
        reader.join();
        int[] counts = taken.toArray();
        for (byte[] item; (item = queue.poll()) != null; ) {
            counts[idOf(item)]++;
        }
        int missing = 0;
        for (int i = 0; i < items; i++) {
            assertThat(counts[i]).as("item %d", i).isLessThanOrEqualTo(1);
            missing += counts[i] == 0 ? 1 : 0;
        }
        assertThat(missing).as("at most the item the reader died holding").isLessThanOrEqualTo(1);
        assertThat(spillFilesOf(ring)).as("this writer's kept files, and one the dead reader may have left taken")
                .hasSizeLessThanOrEqualTo(SpillBlocks.KEPT_FILES + 1);
    }

    @Test
    void aWriterKilledInAStreamOfLargeItemsLeavesWholeItemsInOrderAndNoFileOnceTheyAreRead() throws Exception {
        Queue<byte[]> queue = new Queue<>();
        String ring = Segments.nameOf(queue);
        Process writer = new Process(() -> {
            for (int i = 0; ; i++) {
                queue.put(numbered(i));
            }
        });
        writer.start();
        int next = 0;
        for (; next < 20; next++) {
            assertThat(idOf(queue.take())).isEqualTo(next);
        }
        writer.kill(); // likely in the middle of a put
        writer.join();
        for (byte[] item; (item = queue.poll()) != null; next++) {
            assertThat(idOf(item)).as("the items sent before it died, whole and in order").isEqualTo(next);
        }
        ResourceTracker.sweep(SharedSegment.treeTag());
        assertThat(spillFilesOf(ring)).isEmpty();
    }

    @Test
    void aLargeMessageFromAWriterThatHasExitedStaysUntilReadAndAnOrphanedFileGoesAtTheNextSweep() throws Exception {
        Queue<byte[]> queue = new Queue<>();
        String ring = Segments.nameOf(queue);
        byte[] large = new byte[Queue.DEFAULT_CAPACITY];
        large[12345] = 7;
        Process writer = new Process(() -> queue.put(large));
        writer.start();
        writer.join();
        assertThat(writer.exitCode()).hasValue(0);
        assertThat(spillFilesOf(ring)).hasSize(1);

        // A writer killed between writing its file and committing the frame leaves one nobody names.
        java.lang.Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path orphan = SharedSegment.DIRECTORY.resolve(ring + ".spill." + gone.pid() + "-1-0123456789abcdef");
        Files.write(orphan, new byte[] {1, 2, 3});

        ResourceTracker.sweep(SharedSegment.treeTag());
        assertThat(orphan).as("nobody can read it").doesNotExist();
        assertThat(spillFilesOf(ring)).as("the committed message's file stays").hasSize(1);
        assertThat(queue.take()).isEqualTo(large);
        assertThat(spillFilesOf(ring)).as("read, then deleted").isEmpty();
    }

    @Test
    void theFileOfAWriterKilledAfterItsMessageWasReadGoesAtTheNextSweep() throws Exception {
        Queue<byte[]> queue = new Queue<>();
        String ring = Segments.nameOf(queue);
        byte[] large = new byte[Queue.DEFAULT_CAPACITY];
        large[54321] = 9;
        Process writer = new Process(() -> {
            queue.put(large);
            Thread.sleep(Long.MAX_VALUE); // until killed
        });
        writer.start();
        assertThat(queue.take()).isEqualTo(large);
        assertThat(spillFilesOf(ring)).as("kept by its writer for the next message").hasSize(1);
        writer.kill();
        writer.join();
        ResourceTracker.sweep(SharedSegment.treeTag());
        assertThat(spillFilesOf(ring)).isEmpty();
    }
}
