package org.multiprocessing4j.internal.shm;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Small primitives many to a segment, as CPython's {@code multiprocessing.heap} puts its values in
 * arenas: a lock is 64 bytes, and a segment of its own would cost a file, a mapping of a page and
 * 1 KiB of header. With one segment each, some 65,000 live locks reach the kernel's limit on a
 * process's mappings; here they take 16 blocks.
 *
 * <p>A block is a segment of {@link #BLOCK_BODY} bytes, carved into chunks of whole cache lines
 * ({@link SharedLayout#CACHE_LINE}, so that no two primitives share one). This process allocates
 * from its current block by bumping an offset, or from a free list of chunks of the same size that
 * it allocated and that came back. A request larger than {@link #LARGEST_CHUNK} gets a segment of
 * its own.
 *
 * <p>A chunk comes back when the handle it was allocated for becomes unreachable in this process
 * ({@link Chunk#freeWhenUnreachable}), and only if no descriptor of its block written here may
 * still be read: once one went into a queue or a pipe, another process may use any chunk of the
 * block, so none of its chunks is used again, and the block stays until this process exits
 * ({@link SegmentLifetime}); a chunk that comes back while a child whose launch carried one runs is
 * not used again either ({@link LaunchPins}). A chunk is zeroed when it is handed out again. A
 * block that is not the current one and holds no live chunk is let go: nothing refers to its
 * segment any more, and it is unmapped and deleted as any segment is.
 *
 * <p>All of this is this process's own bookkeeping, guarded by the class's lock: other processes
 * only ever attach to chunks, never allocate from a block they did not make.
 */
public final class SharedHeap {
    /** The body of a block: room for 4,000 locks, or 200 semaphores. */
    static final int BLOCK_BODY = 256 * 1024;
    /** Requests above this get a segment of their own. */
    static final int LARGEST_CHUNK = BLOCK_BODY / 16;
    private static final Cleaner CLEANER = Cleaner.create();

    private static Block current;
    private static final Map<Long, ArrayDeque<Chunk>> FREE = new HashMap<>();

    private SharedHeap() {}

    /** A block this process carves chunks from. */
    private static final class Block {
        final SharedSegment segment;
        long next = SharedLayout.Header.SIZE;
        int live;

        Block(SharedSegment segment) {
            this.segment = segment;
        }
    }

    /**
     * Zeroed shared memory of at least {@code size} bytes, at a cache line's start: a chunk of a
     * block, or a segment of {@code kind} of its own when it is large.
     *
     * @throws java.io.UncheckedIOException if /dev/shm cannot hold a new block
     */
    public static Chunk allocate(int kind, long size) {
        if (size > LARGEST_CHUNK) {
            return new Chunk(SharedSegment.create(kind, size), SharedLayout.Header.SIZE, size, null);
        }
        long rounded = (size + SharedLayout.CACHE_LINE - 1) / SharedLayout.CACHE_LINE * SharedLayout.CACHE_LINE;
        synchronized (SharedHeap.class) {
            ArrayDeque<Chunk> free = FREE.get(rounded);
            Chunk reused = free == null ? null : free.pollFirst();
            if (reused != null) {
                reused.block.live++;
                reused.segment.memory().asSlice(reused.offset, rounded).fill((byte) 0);
                return new Chunk(reused.segment, reused.offset, rounded, reused.block);
            }
            if (current == null || current.next + rounded > SharedLayout.Header.SIZE + BLOCK_BODY) {
                retireIfEmpty(current);
                current = new Block(SharedSegment.create(SharedLayout.Header.KIND_HEAP, BLOCK_BODY));
            }
            long offset = current.next;
            current.next += rounded;
            current.live++;
            return new Chunk(current.segment, offset, rounded, current);
        }
    }

    /** A chunk came back: to the free list, unless a descriptor of its block may still be read. */
    private static void free(Chunk chunk) {
        synchronized (SharedHeap.class) {
            chunk.block.live--;
            if (!chunk.segment.pinned()) {
                FREE.computeIfAbsent(chunk.size, size -> new ArrayDeque<>()).addLast(chunk);
            }
            if (chunk.block != current) {
                retireIfEmpty(chunk.block);
            }
        }
    }

    /** Lets go of a block with no live chunk: its free chunks leave the lists, and its segment is unreferenced. */
    private static void retireIfEmpty(Block block) {
        if (block == null || block.live > 0) {
            return;
        }
        for (ArrayDeque<Chunk> free : FREE.values()) {
            free.removeIf(chunk -> chunk.block == block);
        }
    }

    /**
     * Shared memory at {@code offset} of {@code segment}, {@code size} bytes, from a block of this
     * process's heap or a segment of its own (then with no block).
     */
    public static final class Chunk {
        private final SharedSegment segment;
        private final long offset;
        private final long size;
        private final Block block;

        private Chunk(SharedSegment segment, long offset, long size, Block block) {
            this.segment = segment;
            this.offset = offset;
            this.size = size;
            this.block = block;
        }

        public SharedSegment segment() {
            return segment;
        }

        public long offset() {
            return offset;
        }

        /**
         * Gives the chunk back once {@code handle}, the object it was allocated for, is unreachable.
         * Call once, from the handle's constructor; the cleaning action holds this chunk, not the
         * handle.
         */
        public void freeWhenUnreachable(Object handle) {
            if (block != null) {
                CLEANER.register(handle, new Release(this));
            }
        }
    }

    /** The cleaning action of a chunk: a class of its own, so that it cannot capture the handle. */
    private record Release(Chunk chunk) implements Runnable {
        @Override
        public void run() {
            free(chunk);
        }
    }
}
