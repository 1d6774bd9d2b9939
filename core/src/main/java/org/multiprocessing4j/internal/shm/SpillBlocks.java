package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.multiprocessing4j.internal.sys.Futex;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/**
 * The spill files of one ring handle in this process ({@link SharedLayout.Spill}): as a writer,
 * the files it made and fills again; as a reader, the files it keeps open.
 *
 * <p>A message too large for its ring goes in a spill file, and the ring carries a frame that
 * names it. A new file per message costs, at each message, pages that the kernel must find and
 * zero, which on some virtual machines costs more than the copy: most of the time a large message
 * took. So a writer keeps up to {@link #KEPT_FILES} files of up to {@link #LARGEST_KEPT} bytes
 * and fills one again once a reader has read it, and a reader keeps up to {@link #OPEN_FILES}
 * open. A message that finds no kept file free in time (its readers are behind, or there are none
 * yet) goes in a file of its own, made ORPHANED, which its reader deletes: as many files as unread
 * messages, and a writer never waits for a reader for long.
 *
 * <p>Who moves a file's state: its writer takes a FREE file to fill it again (BUSY; only the
 * writer moves a FREE file, under this object's lock). A reader that takes the frame marks the
 * file READING while it copies the message out, and once it has consumed the frame moves READING
 * to FREE; if it finds ORPHANED instead, it deletes the file. The writer lets a file go by a
 * compare-and-set of BUSY or READING to ORPHANED, or, if it was FREE, by marking it DELETED and
 * deleting it. So exactly one of them deletes each file.
 *
 * <p>A writer that finds no FREE file waits for the one it wrote longest ago: longer
 * ({@link #readingPatience}) if a reader is in the ring now or has freed one of its files within
 * {@link #READER_ACTIVE}, a short while ({@link #patience}) if not, so that a writer ahead of an
 * active reader keeps its pace and fills the same few files in turn, and one that nobody reads yet
 * loses little.
 *
 * <p>Memory ordering: the writer fills the file before it commits the frame (the ring's volatile
 * store of tail), and the reader reads it after the volatile load that shows it the frame; the
 * reader's compare-and-set to FREE follows its last read of the message, and the writer's volatile
 * read of FREE precedes its first write of the next one. So a message is never overwritten while
 * it is read, and the generation and length in both the file and the frame catch a file that is
 * not what its frame says.
 *
 * <p>Faults: a writer killed before it committed leaves a file no frame names, which the tracker
 * deletes. A reader killed before it consumed the frame leaves it for the next reader, which reads
 * it READING as well. One killed between the consume and its compare-and-set leaves the file
 * READING: its writer waits for it once, then lets it go as ORPHANED, and the tracker deletes it
 * once the writer has ended. A handle's files are let go when it becomes unreachable and when the
 * process exits; whatever is left the tracker deletes once the writer has ended and no frame names
 * it.
 */
final class SpillBlocks {
    /** Files a writer keeps to fill again, per ring handle. */
    static final int KEPT_FILES = 4;
    /**
     * Files a writer makes before it waits for a reader: two, so that it writes one while its
     * reader copies the other out.
     */
    static final int FILES_BEFORE_WAITING = 2;
    /** A message larger than this gets a file of its own, deleted once read. */
    static final long LARGEST_KEPT = 256L << 20;
    /** A kept file's room is rounded up to this, so that it takes later messages a little larger. */
    static final long ROOM_ROUNDING = 1L << 20;
    /**
     * Files a reader keeps open, per ring handle: those of two writers, and one more, so that a
     * file of its own, which is read once, does not push out a kept one.
     */
    static final int OPEN_FILES = 2 * KEPT_FILES + 1;
    /** The copying speed a writer allows a reader that has not taken its message yet: 0.5 GB/s. */
    static final long PATIENCE_BYTES_PER_MILLI = 500_000;
    static final Duration MOST_PATIENCE = Duration.ofMillis(100);
    /** The copying speed a writer allows a reader that is copying its message out: 50 MB/s. */
    static final long READING_PATIENCE_BYTES_PER_MILLI = 50_000;
    static final Duration MOST_READING_PATIENCE = Duration.ofSeconds(5);
    /** How long after a reader last freed one of its files a writer counts it as reading on. */
    static final Duration READER_ACTIVE = Duration.ofSeconds(1);

    private static final Cleaner CLEANER = Cleaner.create();
    /** The handles' files that are let go at exit. */
    private static final Set<SpillBlocks> LIVE = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(SpillBlocks::letAllGo, "mp4j-spill-exit"));
        } catch (IllegalStateException exiting) {
            // the first large message is sent while the JVM exits: the tracker deletes its files
        }
    }

    private final String ringName;
    // Guarded by this; from the message written longest ago to the newest.
    private final List<Block> kept = new ArrayList<>();
    private boolean closed;
    /** When this writer last found one of its files freed by a reader ({@code System.nanoTime}); long ago at first. */
    private long readerSeenAt = System.nanoTime() - READER_ACTIVE.toNanos();
    // Guarded by itself; used by readers, who also hold the ring's reader mutex.
    private final Map<String, Block> open = new LinkedHashMap<>(OPEN_FILES, 0.75f, true);

    private SpillBlocks(String ringName) {
        this.ringName = ringName;
    }

    /**
     * The spill files of {@code ring}, a handle on the ring in segment {@code ringName}, let go
     * when the handle is unreachable.
     */
    static SpillBlocks of(Object ring, String ringName) {
        SpillBlocks blocks = new SpillBlocks(ringName);
        LIVE.add(blocks);
        CLEANER.register(ring, () -> {
            LIVE.remove(blocks);
            blocks.letGo(true);
        });
        return blocks;
    }

    /** A message written to a spill file, and the frame that names it. */
    record Written(Block block, byte[] frame) {}

    /**
     * Writes {@code head} then {@code rest} to a spill file; returns the frame to commit. Both
     * arrays are only read, before this returns. Waits for a reader to free a kept file at most
     * {@link #MOST_READING_PATIENCE}, and never past {@code deadline}: at an immediate one, not at
     * all; {@code readerPresent} if a reader is in the ring now (waiting for a message or taking
     * one), so that the wait is worth it.
     *
     * @throws InterruptedException if the thread is interrupted while it waits; nothing is written
     * @throws java.io.UncheckedIOException if /dev/shm cannot hold a new file
     */
    Written write(byte[] head, byte[] rest, Deadline deadline, boolean readerPresent) throws InterruptedException {
        long length = (long) head.length + rest.length;
        Block block = take(length, deadline, readerPresent);
        long generation = block.generation() + 1;
        try {
            block.file.write(0, head, 0, head.length);
            block.file.write(head.length, rest, 0, rest.length);
        } catch (IOException e) {
            giveBack(block);
            throw new UncheckedIOException("cannot write a large message to its spill file: " + e.getMessage(), e);
        }
        block.header.set(ValueLayout.JAVA_LONG, SharedLayout.Spill.GENERATION, generation);
        block.header.set(ValueLayout.JAVA_LONG, SharedLayout.Spill.LENGTH, length);
        if (!block.kept) {
            block.close(); // the writer does not touch a file of its own again
        }
        return new Written(block, frame(block.name, generation, length));
    }

    /** A spilled message whose frame was not committed: its file is free to fill again, or deleted. */
    void discard(Written spilled) {
        giveBack(spilled.block);
    }

    private void giveBack(Block block) {
        if (block.kept) {
            block.setState(SharedLayout.Spill.FREE);
        } else {
            block.close(); // a file of its own may be closed already, once written: closing again does nothing
            SpillFiles.delete(block.name);
        }
    }

    /**
     * A file with room for {@code length} bytes, BUSY: a FREE kept one; else the kept one written
     * longest ago, once a reader has read it, if that comes soon enough; else a new one, kept if
     * there is room for another.
     */
    private synchronized Block take(long length, Deadline deadline, boolean readerPresent) throws InterruptedException {
        Block fit = null;
        Block oldest = null;
        for (Block block : kept) {
            if (block.capacity() < length) {
                continue;
            }
            int state = block.state();
            if (state == SharedLayout.Spill.FREE && (fit == null || block.capacity() < fit.capacity())) {
                fit = block;
            } else if (oldest == null && (state == SharedLayout.Spill.BUSY || state == SharedLayout.Spill.READING)) {
                oldest = block;
            }
        }
        if (fit == null && oldest != null && kept.size() >= FILES_BEFORE_WAITING) {
            boolean readerActive = readerPresent || System.nanoTime() - readerSeenAt < READER_ACTIVE.toNanos();
            if (oldest.awaitRead(length, readerActive, deadline)) {
                fit = oldest;
            } else if (oldest.state() == SharedLayout.Spill.READING) { // its reader died after the consume
                kept.remove(oldest);
                oldest.letGo(true);
            }
        }
        if (fit != null && fit.generation() > 0) {
            readerSeenAt = System.nanoTime(); // a reader freed it (or a put that gave up gave it back)
        }
        if (fit != null) {
            fit.setState(SharedLayout.Spill.BUSY);
            kept.remove(fit);
            kept.add(fit);
            return fit;
        }
        if (!closed && length <= LARGEST_KEPT) {
            if (kept.size() >= KEPT_FILES) { // a free file too small: make room for a larger one
                kept.stream().filter(b -> b.state() == SharedLayout.Spill.FREE).findFirst().ifPresent(small -> {
                    kept.remove(small);
                    small.letGo(true);
                });
            }
            if (kept.size() < KEPT_FILES) {
                long room = (length + ROOM_ROUNDING - 1) / ROOM_ROUNDING * ROOM_ROUNDING;
                Block block = Block.create(ringName, room, SharedLayout.Spill.BUSY, true);
                kept.add(block);
                return block;
            }
        }
        return Block.create(ringName, length, SharedLayout.Spill.ORPHANED, false);
    }

    /**
     * How long a writer waits for a reader to take a message of {@code length} bytes out of a kept
     * file before it makes a new one: what copying it at {@link #PATIENCE_BYTES_PER_MILLI} takes, so
     * that a writer that nobody reads yet loses little.
     */
    static Duration patience(long length) {
        return Duration.ofMillis(Math.clamp(length / PATIENCE_BYTES_PER_MILLI, 1, MOST_PATIENCE.toMillis()));
    }

    /**
     * How long a writer waits for a reader that is copying a message of {@code length} bytes out
     * of a kept file: a reader's first copies in a fresh JVM fill arrays in heap pages it has never
     * touched, which may take many times as long as later ones.
     */
    static Duration readingPatience(long length) {
        return Duration.ofMillis(Math.clamp(length / READING_PATIENCE_BYTES_PER_MILLI, 1,
                MOST_READING_PATIENCE.toMillis()));
    }

    /**
     * The message a committed frame names, as {@code as} reads it; {@code consuming} if the frame
     * is consumed next, as {@link #consumed} then says. The caller holds the ring's reader mutex.
     *
     * @throws CorruptFrameException if the file is gone or does not hold what the frame says
     */
    <T> T read(byte[] frame, MessageRing.Reader<T> as, boolean consuming) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(frame);
        String name = nameOf(frame);
        long generation = in.getLong(SharedLayout.Spill.FRAME_GENERATION);
        long length = in.getLong(SharedLayout.Spill.FRAME_LENGTH);
        synchronized (open) {
            Block block = opened(name);
            MemorySegment header = block.header;
            if (consuming) {
                block.compareAndSetState(SharedLayout.Spill.BUSY, SharedLayout.Spill.READING);
            }
            int state = block.state();
            if (header.get(ValueLayout.JAVA_INT, SharedLayout.Spill.MAGIC_OFFSET) != SharedLayout.Spill.MAGIC
                    || (state != SharedLayout.Spill.BUSY && state != SharedLayout.Spill.READING
                            && state != SharedLayout.Spill.ORPHANED)
                    || header.get(ValueLayout.JAVA_LONG, SharedLayout.Spill.GENERATION) != generation
                    || header.get(ValueLayout.JAVA_LONG, SharedLayout.Spill.LENGTH) != length
                    || length < 0 || length > Integer.MAX_VALUE) {
                forget(name);
                throw new CorruptFrameException("corrupt queue frame: its spill file does not hold the message of "
                        + length + " bytes it names (state " + state + ")");
            }
            try {
                return as.spilled(new MessageRing.SpilledMessage() {
                    @Override
                    public long length() {
                        return length;
                    }

                    @Override
                    public void copyTo(long from, byte[] into, int offset, int bytes) throws IOException {
                        block.file.read(from, into, offset, bytes);
                    }
                });
            } catch (CorruptFrameException e) {
                forget(name);
                throw e;
            }
        }
    }

    /** After the frame that names a spill file was consumed: frees the file for its writer, or deletes it. */
    void consumed(byte[] frame) {
        String name = nameOf(frame);
        synchronized (open) {
            Block block = open.get(name);
            if (block == null) {
                return;
            }
            if (block.compareAndSetState(SharedLayout.Spill.READING, SharedLayout.Spill.FREE)) {
                Futex.wakeAll(block.stateWord()); // its writer may wait to fill it again
            } else {
                forget(name);
                SpillFiles.delete(name);
            }
        }
    }

    /** The name a spill frame holds; the frame is longer than {@link SharedLayout.Spill#FRAME_NAME}. */
    static String nameOf(byte[] frame) {
        return new String(frame, SharedLayout.Spill.FRAME_NAME, frame.length - SharedLayout.Spill.FRAME_NAME,
                StandardCharsets.UTF_8);
    }

    private static byte[] frame(String name, long generation, long length) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(SharedLayout.Spill.FRAME_NAME + bytes.length)
                .putLong(SharedLayout.Spill.FRAME_GENERATION, generation)
                .putLong(SharedLayout.Spill.FRAME_LENGTH, length)
                .put(SharedLayout.Spill.FRAME_NAME, bytes).array();
    }

    /** Guarded by {@link #open}: the file, open here, after closing those whose writers deleted them. */
    private Block opened(String name) throws IOException {
        for (Iterator<Block> blocks = open.values().iterator(); blocks.hasNext(); ) {
            Block block = blocks.next();
            if (block.state() == SharedLayout.Spill.DELETED) {
                blocks.remove();
                block.close();
            }
        }
        Block block = open.get(name);
        if (block == null) {
            if (name.contains("/") || !SpillFiles.isSpill(name)) {
                throw new CorruptFrameException("corrupt queue frame: it names no spill file");
            }
            block = new Block(name, SpillFiles.open(name), 0, false);
            open.put(name, block);
            if (open.size() > OPEN_FILES) {
                Iterator<Block> eldest = open.values().iterator();
                eldest.next().close();
                eldest.remove();
            }
        }
        return block;
    }

    /** Guarded by {@link #open}: closes this reader's channel to a file. */
    private void forget(String name) {
        Block block = open.remove(name);
        if (block != null) {
            block.close();
        }
    }

    /** Lets every kept file go and, if {@code close}, closes every file; later messages get files of their own. */
    private void letGo(boolean close) {
        synchronized (this) {
            closed = true;
            for (Block block : kept) {
                block.letGo(close);
            }
            kept.clear();
        }
        if (close) {
            synchronized (open) {
                open.values().forEach(Block::close);
                open.clear();
            }
        }
    }

    /** At exit: the kept files of every live handle go, or are left to their readers; nothing is closed. */
    private static void letAllGo() {
        for (SpillBlocks blocks : LIVE) {
            blocks.letGo(false);
        }
    }

    /**
     * A spill file open in this process; {@code capacity} is its room for a message, known to its
     * writer; {@code kept} if its writer here fills it again. It is closed only where no thread can
     * still use it: by the writer that made it, under the lock or once its handle is unreachable,
     * or by a reader under the lock of its files.
     */
    private static final class Block {
        final String name;
        final SpillFiles.Opened file;
        final MemorySegment header;
        final long capacity;
        final boolean kept;

        Block(String name, SpillFiles.Opened file, long capacity, boolean kept) {
            this.name = name;
            this.file = file;
            this.header = file.header();
            this.capacity = capacity;
            this.kept = kept;
        }

        static Block create(String ringName, long capacity, int state, boolean kept) {
            String name = SpillFiles.newName(ringName);
            return new Block(name, SpillFiles.create(name, capacity, state), capacity, kept);
        }

        long capacity() {
            return capacity;
        }

        int state() {
            return (int) Atomics.INT.getVolatile(header, (long) SharedLayout.Spill.STATE);
        }

        void setState(int state) {
            Atomics.INT.setVolatile(header, (long) SharedLayout.Spill.STATE, state);
        }

        boolean compareAndSetState(int expected, int state) {
            return Atomics.INT.compareAndSet(header, (long) SharedLayout.Spill.STATE, expected, state);
        }

        MemorySegment stateWord() {
            return header.asSlice(SharedLayout.Spill.STATE, Integer.BYTES);
        }

        /** Messages the file has carried. */
        long generation() {
            return header.get(ValueLayout.JAVA_LONG, SharedLayout.Spill.GENERATION);
        }

        /**
         * Waits for a reader to read the message of {@code length} bytes in this file: for
         * {@link #readingPatience} while a reader copies it out or if {@code readerActive}, else
         * for {@link #patience}, and never past {@code deadline}; true if it is FREE now.
         *
         * @throws InterruptedException if the thread is interrupted meanwhile
         */
        boolean awaitRead(long length, boolean readerActive, Deadline deadline) throws InterruptedException {
            long start = System.nanoTime();
            for (int state = state(); state == SharedLayout.Spill.BUSY || state == SharedLayout.Spill.READING;
                    state = state()) {
                Duration patience = state == SharedLayout.Spill.READING || readerActive ? readingPatience(length)
                        : patience(length);
                long left = Math.min(start + patience.toNanos() - System.nanoTime(), deadline.remainingNanos());
                if (left <= 0) {
                    return false;
                }
                Deadline.checkInterrupt();
                Futex.await(stateWord(), state, Duration.ofNanos(Math.min(left, Deadline.SLICE.toNanos())));
            }
            return state() == SharedLayout.Spill.FREE;
        }

        void close() {
            file.close();
        }

        /** The writer lets a kept file go: its reader deletes it once read, or it is deleted now. */
        void letGo(boolean close) {
            while (true) {
                int state = state();
                if (state == SharedLayout.Spill.ORPHANED) {
                    break;
                }
                if (state == SharedLayout.Spill.BUSY || state == SharedLayout.Spill.READING) {
                    if (compareAndSetState(state, SharedLayout.Spill.ORPHANED)) {
                        break;
                    }
                } else {
                    setState(SharedLayout.Spill.DELETED);
                    SpillFiles.delete(name);
                    break;
                }
            }
            if (close) {
                close();
            }
        }
    }
}
