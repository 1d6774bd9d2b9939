package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.testing.Segments;

/**
 * Large messages go through files beside their ring. Such a file stays while a committed frame
 * names it, whoever wrote it, and goes as soon as nobody can read it: not at the end of the tree.
 */
@Timeout(60)
class SpillFileTest {
    private static List<Path> spillFilesOf(String ring) throws Exception {
        try (Stream<Path> files = Files.list(SharedSegment.DIRECTORY)) {
            return files.filter(p -> p.getFileName().toString().startsWith(ring + ".spill.")).toList();
        }
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
}
