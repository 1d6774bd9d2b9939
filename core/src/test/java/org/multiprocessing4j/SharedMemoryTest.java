package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.testing.LeakBaseline;
import org.multiprocessing4j.internal.sys.RandomBytes;
import org.multiprocessing4j.internal.wire.Codec;

/** Python's _TestSharedMemory scenarios, and the lifetime CPython's resource tracker gets wrong. */
@Timeout(60)
class SharedMemoryTest {
    private static final Path SHM = Path.of("/dev/shm");
    private final String prefix = "mp4jtest_" + RandomBytes.hex(4) + "_";

    private String name(String what) {
        return prefix + what;
    }

    @AfterEach
    void unlinkWhatATestLeft() throws Exception {
        try (var names = Files.newDirectoryStream(SHM, prefix + "*")) {
            for (Path name : names) {
                Path target = Files.isSymbolicLink(name) ? name.resolveSibling(Files.readSymbolicLink(name)) : null;
                Files.deleteIfExists(name);
                if (target != null) {
                    Files.deleteIfExists(target);
                }
            }
        }
    }

    @Test
    void aNamedBlockIsSeenByASecondHandleAttachedByName() {
        try (SharedMemory shm = SharedMemory.create(name("basics"), 512)) {
            assertThat(shm.name()).isEqualTo(name("basics"));
            assertThat(shm.size()).isGreaterThanOrEqualTo(512);
            shm.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
            try (SharedMemory same = SharedMemory.attach(name("basics"))) {
                assertThat(same.size()).isEqualTo(shm.size());
                assertThat(same.buffer().get(0)).isEqualTo((byte) 42);
                same.buffer().put(1, (byte) 7);
            }
            assertThat(shm.segment().get(ValueLayout.JAVA_BYTE, 1)).isEqualTo((byte) 7);
            assertThat(shm).hasToString("SharedMemory('" + name("basics") + "', size=512)");
            shm.unlink();
        }
    }

    @Test
    void aBlockWithoutANameGetsAFreshOne() {
        try (SharedMemory a = SharedMemory.create(64); SharedMemory b = SharedMemory.create(64)) {
            assertThat(a.name()).startsWith("psm_").isNotEqualTo(b.name());
            assertThat(a.segment().byteSize()).isEqualTo(64);
            assertThat(a.segment().toArray(ValueLayout.JAVA_BYTE)).containsOnly(0);
            a.unlink();
            b.unlink();
        }
    }

    @Test
    void badSizesAndNamesAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> SharedMemory.create(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive, not -1");
        assertThatThrownBy(() -> SharedMemory.create(name("zero"), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive, not 0");
        assertThatThrownBy(() -> SharedMemory.create("a/b", 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slash");
        assertThatThrownBy(() -> SharedMemory.attach("x".repeat(256))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than the system's limit of 255 bytes");
        assertThatThrownBy(() -> SharedMemory.create("", 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> SharedMemory.create("mp4j-mine", 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("this library's own");
        assertThatThrownBy(() -> SharedMemory.create(null, 8)).isInstanceOf(NullPointerException.class);
        String longest = name("x".repeat(255 - prefix.length() - 1));
        try (SharedMemory shm = SharedMemory.create(longest, 8)) {
            shm.unlink();
        }
    }

    @Test
    void aTakenNameAMissingNameAndADoubleUnlinkAreFileErrors() {
        try (SharedMemory shm = SharedMemory.create(name("dup"), 16)) {
            assertThatThrownBy(() -> SharedMemory.create(name("dup"), 16)).isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("already exists");
            shm.unlink();
            assertThatThrownBy(shm::unlink).isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(NoSuchFileException.class);
            assertThatThrownBy(() -> SharedMemory.attach(name("dup"))).isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(NoSuchFileException.class).hasMessageContaining("no shared memory is called");
            shm.segment().set(ValueLayout.JAVA_INT, 0, 5); // an unlinked block stays mapped where it was
        }
    }

    @Test
    void aChildAttachesByNameAndThroughItsHandleAndWritesWhatTheParentReads() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name("across"), 64)) {
            String blockName = shm.name();
            Process byName = new Process(() -> {
                try (SharedMemory mine = SharedMemory.attach(blockName)) {
                    mine.buffer().put("howdy".getBytes(StandardCharsets.US_ASCII));
                }
            });
            byName.start();
            byName.join();
            assertThat(text(shm, 5)).isEqualTo("howdy");
            Process byHandle = new Process(() -> shm.buffer().put("HELLO".getBytes(StandardCharsets.US_ASCII)));
            byHandle.start();
            byHandle.join();
            assertThat(byHandle.exitCode()).hasValue(0);
            assertThat(text(shm, 5)).isEqualTo("HELLO");
            shm.unlink();
        }
    }

    private static String text(SharedMemory shm, int length) {
        byte[] bytes = new byte[length];
        shm.buffer().get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void aSerializedHandleSharesTheBytesAndCannotBeReadAfterUnlink() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name("pickle"), 16)) {
            byte[] wire = Codec.encode(shm, "a SharedMemory");
            SharedMemory copy = (SharedMemory) Codec.decode(wire);
            copy.segment().set(ValueLayout.JAVA_LONG, 0, 99L);
            assertThat(shm.segment().get(ValueLayout.JAVA_LONG, 0)).isEqualTo(99L);
            shm.segment().set(ValueLayout.JAVA_LONG, 8, 7L);
            assertThat(copy.segment().get(ValueLayout.JAVA_LONG, 8)).isEqualTo(7L);
            assertThat(copy).isEqualTo(shm);
            copy.close();
            shm.unlink();
            assertThatThrownBy(() -> Codec.decode(wire)).hasRootCauseInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void aClosedHandleAndWhatItGaveOutRefuseUseWhileOtherHandlesGoOn() {
        SharedMemory shm = SharedMemory.create(name("closed"), 4096);
        SharedMemory other = SharedMemory.attach(shm.name());
        MemorySegment segment = shm.segment();
        ByteBuffer buffer = shm.buffer();
        shm.close();
        shm.close();
        assertThat(shm.isOpen()).isFalse();
        assertThatThrownBy(shm::segment).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_INT, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> buffer.get(0)).isInstanceOf(IllegalStateException.class);
        other.segment().set(ValueLayout.JAVA_INT, 0, 1);
        other.unlink();
        other.close();
    }

    @Test
    void aBlockOfAnotherProgramIsAttachedAsItIs() throws Exception {
        Path foreign = SHM.resolve(name("foreign"));
        Files.write(foreign, "from python".getBytes(StandardCharsets.US_ASCII));
        try (SharedMemory shm = SharedMemory.attach(name("foreign"))) {
            assertThat(shm.size()).isEqualTo(11);
            assertThat(text(shm, 11)).isEqualTo("from python");
            shm.unlink();
        }
        assertThat(foreign).doesNotExist();
    }

    @Test
    void aLinkToAFileNotOursIsRefusedNotFollowed() throws Exception {
        Files.createSymbolicLink(SHM.resolve(name("evil")), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> SharedMemory.attach(name("evil"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("not a block of this library");
    }

    @Test
    void aDamagedHeaderIsReportedNotMapped() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name("damaged"), 64)) {
            Path file = SHM.resolve(Files.readSymbolicLink(SHM.resolve(shm.name())));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.allocate(8).putLong(0, Long.MAX_VALUE), 16); // the header's body size
            }
            assertThatThrownBy(() -> SharedMemory.attach(shm.name())).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("header is damaged");
            shm.unlink();
        }
    }

    @Test
    void aBlockOfAKilledCreatorIsRemovedWithItsName() throws Exception {
        Queue<String> names = new Queue<>();
        Process creator = new Process(() -> {
            names.put(SharedMemory.create(8).name());
            Thread.sleep(Long.MAX_VALUE);
        });
        creator.start();
        String blockName = names.take();
        Path link = SHM.resolve(blockName);
        Path file = link.resolveSibling(Files.readSymbolicLink(link));
        creator.kill();
        creator.join();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> SharedMemory.attach(blockName)).hasCauseInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aBlockStaysWhileAProcessThatAttachedItRunsThoughItsCreatorEnded() throws Exception {
        // gh-82300: CPython's tracker unlinks a block when a process that attached it exits.
        String blockName = name("outlives");
        Event created = new Event();
        Event attached = new Event();
        Event done = new Event();
        Process creator = new Process(() -> {
            SharedMemory.create(blockName, 8).segment().set(ValueLayout.JAVA_LONG, 0, 42L);
            created.set();
            attached.await();
        });
        Process user = new Process(() -> {
            created.await();
            SharedMemory.attach(blockName);
            attached.set();
            done.await();
        });
        Process reader = new Process(() -> {
            try (SharedMemory shm = SharedMemory.attach(blockName)) {
                if (shm.segment().get(ValueLayout.JAVA_LONG, 0) != 42L) {
                    System.exit(3);
                }
            }
        });
        creator.start();
        user.start();
        creator.join(); // the creator ended without unlinking
        reader.start();
        reader.join(); // the reader attached and ended: its exit must not take the block away
        Thread.sleep(3 * 250); // three sweeps of the tracker
        assertThat(reader.exitCode()).hasValue(0);
        assertThat(SHM.resolve(blockName)).exists();
        done.set();
        user.join();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(SHM.resolve(blockName), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void tenThousandBlocksMadeAndUnlinkedLeaveNoFileAndNoMapping() throws Exception {
        long mappingsBefore = LeakBaseline.mappingsNow();
        Set<Path> filesBefore = ourShm();
        for (int i = 0; i < 10_000; i++) {
            try (SharedMemory shm = SharedMemory.create(4096)) {
                shm.segment().set(ValueLayout.JAVA_INT, 0, i);
                shm.unlink();
            }
        }
        for (int i = 0; i < 2_000; i++) { // handles dropped without close: the collector unmaps them
            SharedMemory.create(4096).unlink();
        }
        System.gc();
        await().atMost(Duration.ofSeconds(10)).until(() -> LeakBaseline.mappingsNow() < mappingsBefore + 200);
        Set<Path> left = ourShm();
        left.removeAll(filesBefore); // other tests' segments come and go meanwhile: only blocks count
        assertThat(left).noneMatch(SharedMemoryTest::isBlockOrItsName);
    }

    private static Set<Path> ourShm() throws Exception {
        try (var files = Files.list(SHM)) {
            return files.filter(f -> f.getFileName().toString().startsWith("psm_")
                    || f.getFileName().toString().startsWith("mp4j-")).collect(Collectors.toCollection(HashSet::new));
        }
    }

    /** A block's name, or a segment file whose header says it holds a block. */
    private static boolean isBlockOrItsName(Path file) {
        if (file.getFileName().toString().startsWith("psm_")) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer header = ByteBuffer.allocate(SharedLayout.Header.KIND_OFFSET + Integer.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder());
            channel.read(header, 0);
            return header.getInt(SharedLayout.Header.KIND_OFFSET) == SharedLayout.Header.KIND_BLOCK;
        } catch (Exception e) {
            return false; // deleted meanwhile, or not a segment: not a block left behind
        }
    }
}
