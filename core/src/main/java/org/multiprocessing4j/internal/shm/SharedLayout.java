package org.multiprocessing4j.internal.shm;

/**
 * The layout of every shared segment and of every primitive in it: the one place that says which
 * bytes mean what. All offsets are in bytes from the start of the segment's file; all words are
 * accessed with volatile or atomic operations, native byte order.
 *
 * <p>A segment is a {@link Header} followed by a body. Primitives that a process waits on keep
 * their futex word on a cache line of its own ({@link #CACHE_LINE} apart), so that a waiter
 * spinning on one word does not slow writers of the next.
 */
public final class SharedLayout {
    public static final int CACHE_LINE = 64;
    /** Where the low 32 bits of a long lie within it, in this machine's byte order. */
    public static final int LOW_HALF_OF_LONG =
            java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0 : Integer.BYTES;

    private SharedLayout() {}

    /**
     * The segment header: who may still use the segment. Each user slot is a (pid, start time)
     * pair; a process registers itself when it maps the segment, and a segment with no live user is
     * deleted by the {@link ResourceTracker}.
     *
     * <pre>
     *  0    int   MAGIC ('MP4S')
     *  4    int   VERSION
     *  8    int   kind, one of the KIND_* constants
     *  12   int   (padding)
     *  16   long  body size in bytes
     *  24   int   DESCRIPTOR_SENT: 1 once a process wrote the descriptor where anyone may attach
     *             from it at any time (a queue, a pipe, a manager; a block of small primitives
     *             into a pool's task too), not into a child's launch or, for any other segment, a
     *             pool's task ({@link LaunchPins}, {@link TaskHolds})
     *  28   int   IN_FLIGHT: frames of queues and pipes that name the segment and are not taken
     *             yet ({@link CountedSends}); while it is above zero the segment stays, even with
     *             no live user, until the tree's root has ended
     *  32..63     (padding to a cache line)
     *  64   USER_SLOTS x (long pid, long start time): 0 pid = free slot; a process that finds
     *       none free is refused
     * </pre>
     */
    public static final class Header {
        public static final int MAGIC = 0x4D50_3453;
        public static final int VERSION = 1;
        public static final int MAGIC_OFFSET = 0;
        public static final int VERSION_OFFSET = 4;
        public static final int KIND_OFFSET = 8;
        public static final int BODY_SIZE_OFFSET = 16;
        public static final int DESCRIPTOR_SENT_OFFSET = 24;
        public static final int IN_FLIGHT_OFFSET = 28;
        public static final int USER_SLOTS_OFFSET = CACHE_LINE;
        /**
         * Processes that may use one segment at once. Small primitives share blocks, so many
         * processes may use one block; one more than this is refused when it attaches.
         */
        public static final int USER_SLOTS = 1024;
        /** Where the body starts: after the slots ({@link ProcessSlots}), on a cache line. */
        public static final int SIZE = USER_SLOTS_OFFSET + USER_SLOTS * ProcessSlots.SLOT_SIZE;

        public static final int KIND_LOCK = 1;
        public static final int KIND_RLOCK = 2;
        public static final int KIND_SEMAPHORE = 3;
        public static final int KIND_CONDITION = 4;
        public static final int KIND_EVENT = 5;
        public static final int KIND_BARRIER = 6;
        public static final int KIND_VALUE = 7;
        public static final int KIND_ARRAY = 8;
        public static final int KIND_QUEUE = 9;
        public static final int KIND_PIPE = 10;
        /** A block of {@link SharedHeap} chunks: small primitives, many to a segment. */
        public static final int KIND_HEAP = 11;
        /** A pool's result ring and worker seats ({@link SharedLayout.Pool}). */
        public static final int KIND_POOL = 12;
        /** A block of {@code SharedMemory} ({@link SharedLayout.Block}). */
        public static final int KIND_BLOCK = 13;

        private Header() {}
    }

    /**
     * A robust mutex word ({@link RobustMutex}), a cache line:
     *
     * <pre>
     *  0    int   state: 0 = free; else the owner's pid (bits 0..29) | OWNER_DIED | WAITERS
     *  8    long  owner thread id (recursive mutex only; 0 when free)
     *  16   int   hold count (recursive mutex only)
     *  24   long  the owner's stamp: its start time (clock ticks since boot) above its pid (22 bits)
     * </pre>
     * WAITERS means someone may sleep on the word, so a release must wake it; OWNER_DIED means the
     * current owner took the mutex over from a process that died holding it. The owner's stamp
     * tells a dead owner from a later process that has its pid: it is written just after the
     * acquiring CAS, and left as it is on release.
     */
    public static final class Mutex {
        public static final int STATE = 0;
        public static final int OWNER_THREAD = 8;
        public static final int HOLD_COUNT = 16;
        public static final int OWNER_STAMP = 24;
        /** Linux pids are below 2^22 (PID_MAX_LIMIT). */
        public static final int STAMP_PID_BITS = 22;
        public static final long STAMP_PID_MASK = (1L << STAMP_PID_BITS) - 1;
        public static final int SIZE = CACHE_LINE;
        public static final int FREE = 0;
        public static final int PID_MASK = (1 << 30) - 1;
        public static final int OWNER_DIED = 1 << 30;
        public static final int WAITERS = 1 << 31;

        private Mutex() {}
    }

    /**
     * A counting semaphore ({@link SharedSemaphore}):
     *
     * <pre>
     *  0    int   permits available (futex word)
     *  4    int   sleepers: processes or threads that may be waiting on the word
     *  8    int   bound: the initial value of a bounded semaphore, or -1
     *  64   HOLDER_SLOTS x (long pid (high 32 bits) | permits it holds (low 32 bits), 0 = free;
     *                       long its start time)
     * </pre>
     * The holder slots let the permits of a process that crashed be given back.
     */
    public static final class Semaphore {
        public static final int PERMITS = 0;
        public static final int SLEEPERS = 4;
        public static final int BOUND = 8;
        public static final int UNBOUNDED = -1;
        public static final int HOLDER_SLOTS_OFFSET = CACHE_LINE;
        public static final int HOLDER_SLOTS = 64;
        public static final int HOLDER_SLOT_SIZE = 2 * Long.BYTES;
        public static final int HOLDER_START = Long.BYTES;
        public static final int SIZE = HOLDER_SLOTS_OFFSET + HOLDER_SLOTS * HOLDER_SLOT_SIZE;

        private Semaphore() {}
    }

    /**
     * A condition variable; the lock it uses is an RLock of its own segment.
     *
     * <pre>
     *  0    int   sequence, advanced by every signal (futex word)
     *  4    int   overflow: waiters of processes that found no waiter slot
     *  8    int   tokens: signals not yet taken by a waiter
     *  64   WAITER_SLOTS x (long pid (high 32 bits) | threads of it inside await (low 32 bits),
     *                       0 = free; long its start time)
     * </pre>
     * Every field changes only under the condition's lock.
     */
    public static final class Condition {
        public static final int SEQUENCE = 0;
        public static final int OVERFLOW = 4;
        public static final int TOKENS = 8;
        public static final int WAITER_SLOTS_OFFSET = CACHE_LINE;
        public static final int WAITER_SLOTS = 64;
        public static final int WAITER_SLOT_SIZE = 2 * Long.BYTES;
        public static final int WAITER_START = Long.BYTES;
        public static final int SIZE = WAITER_SLOTS_OFFSET + WAITER_SLOTS * WAITER_SLOT_SIZE;

        private Condition() {}
    }

    /**
     * A shared value: the RLock that guards compound updates, then the value on its own line.
     * Offsets are from the start of the body.
     */
    public static final class Value {
        public static final int LOCK = 0;
        public static final int VALUE = Mutex.SIZE;
        public static final int SIZE = VALUE + CACHE_LINE;

        private Value() {}
    }

    /** A shared array: its RLock, its length (a long), then the elements, from the body start. */
    public static final class Array {
        public static final int LOCK = 0;
        public static final int LENGTH = Mutex.SIZE;
        public static final int ELEMENTS = LENGTH + CACHE_LINE;

        private Array() {}
    }

    /**
     * A message ring ({@link MessageRing}): one direction of a queue or a pipe. Writers serialize
     * on the writer mutex and readers on the reader mutex, so that inside each it is a
     * single-producer single-consumer ring of bytes. Offsets from the ring's base:
     *
     * <pre>
     *  0    writer mutex
     *  64   reader mutex
     *  128  long  tail: bytes ever written and committed; 136 long frames ever written
     *             (written only under the writer mutex); 144 int data sleepers
     *  192  long  head: bytes ever read and committed; 200 long frames ever read
     *             (written only under the reader mutex); 208 int space sleepers
     *  256  int   joinable: 1 if unfinished tasks are counted  264  int  capacity, a power of two
     *  260  int   maxsize in items, 0 = none                   268  int  unfinished tasks
     *  272  int   tasks sequence (futex word)                  276  int  closed: the sending end was closed
     *  280  int   the receiving end was closed                 284  int  joiners: threads asleep in
     *             JoinableQueue.join, so that a taskDone wakes the tasks sequence only for them
     *  320  HOLDER_SLOTS x (long pid, long start time): the processes that hold the sending end
     *  1344 HOLDER_SLOTS x (long pid, long start time): the processes that hold the receiving end
     *  2368 data, capacity bytes
     * </pre>
     * The holder tables are used by pipes only: an end is gone for the other side once it is closed
     * or every process in its table has died.
     * A frame in the data area is a {@link #FRAME_HEADER}-byte header (int payload length, int
     * CRC-32C of the payload, int kind, int unused), then the payload, padded to a multiple of the
     * header's size, so that a header never straddles the end of the area (a payload may wrap). A frame is visible to readers once tail moves past it, and
     * gone once head does: a process that dies in the middle of either leaves the ring as it was.
     */
    public static final class Ring {
        public static final int WRITER_MUTEX = 0;
        public static final int READER_MUTEX = Mutex.SIZE;
        public static final int TAIL = 2 * CACHE_LINE;
        public static final int FRAMES_WRITTEN = TAIL + Long.BYTES;
        public static final int DATA_SLEEPERS = FRAMES_WRITTEN + Long.BYTES;
        public static final int HEAD = 3 * CACHE_LINE;
        public static final int FRAMES_READ = HEAD + Long.BYTES;
        public static final int SPACE_SLEEPERS = FRAMES_READ + Long.BYTES;
        /**
         * The futex words that readers waiting for data and writers waiting for room sleep on: the
         * low halves of tail and head, which every commit changes (a frame is at least
         * {@link #FRAME_HEADER} bytes, and a wait is sliced, so a wrap of 2^32 bytes between a
         * sleeper's look and its sleep costs it at most one slice).
         */
        public static final int DATA_FUTEX = TAIL + LOW_HALF_OF_LONG;
        public static final int SPACE_FUTEX = HEAD + LOW_HALF_OF_LONG;
        public static final int JOINABLE = 4 * CACHE_LINE;
        public static final int MAXSIZE = JOINABLE + 4;
        public static final int CAPACITY = JOINABLE + 8;
        public static final int UNFINISHED = JOINABLE + 12;
        public static final int TASKS_SEQUENCE = JOINABLE + 16;
        public static final int CLOSED = JOINABLE + 20;
        public static final int RECEIVER_CLOSED = JOINABLE + 24;
        public static final int JOINERS = JOINABLE + 28;
        /**
         * Processes that may hold one end of a pipe at once. A process that would be one more is
         * refused loudly ({@code Process.start()} fails before the child exists); an end is never
         * left unrecorded, which would let the other side see it gone while it is still used.
         */
        public static final int HOLDER_SLOTS = 64;
        public static final int SENDER_SLOTS_OFFSET = 5 * CACHE_LINE;
        public static final int RECEIVER_SLOTS_OFFSET = SENDER_SLOTS_OFFSET + HOLDER_SLOTS * ProcessSlots.SLOT_SIZE;
        public static final int DATA = RECEIVER_SLOTS_OFFSET + HOLDER_SLOTS * ProcessSlots.SLOT_SIZE;
        public static final int FRAME_HEADER = 16;
        public static final int FRAME_LENGTH = 0;
        public static final int FRAME_CHECKSUM = 4;
        public static final int FRAME_KIND = 8;
        public static final int FRAME_ALIGNMENT = FRAME_HEADER;

        private Ring() {}

        /** Bytes a ring with a data area of {@code capacity} bytes takes. */
        public static long size(int capacity) {
            return DATA + (long) capacity;
        }
    }

    /**
     * An event.
     *
     * <pre>
     *  0    int   flag: 0 clear, 1 set (futex word)
     *  4    int   sleepers: waiters counted before they sleep, so that a set wakes only if there are any
     *  8..  padding to a cache line
     * </pre>
     */
    public static final class Event {
        public static final int FLAG = 0;
        public static final int SLEEPERS = FLAG + Integer.BYTES;
        public static final int SIZE = CACHE_LINE;

        private Event() {}
    }

    /**
     * A barrier; its fields change only under its own robust mutex, which follows at
     * {@link #MUTEX}.
     *
     * <pre>
     *  0    int   generation, advanced when a generation passes or breaks (futex word)
     *  4    int   parties waiting in this generation
     *  8    int   broken: 1 after abort() or a timeout, until reset()
     *  12   int   the last generation that broke; its waiters throw BrokenBarrierException
     *  16   int   parties
     *  64   mutex
     * </pre>
     */
    public static final class Barrier {
        public static final int GENERATION = 0;
        public static final int COUNT = 4;
        public static final int BROKEN = 8;
        public static final int BROKEN_GENERATION = 12;
        public static final int PARTIES = 16;
        public static final int MUTEX = CACHE_LINE;
        public static final int SIZE = MUTEX + Mutex.SIZE;

        private Barrier() {}
    }

    /**
     * A pool's shared state: the ring its workers send results into, then one seat per worker
     * position, a cache line each, where the worker there says what it runs. Only that worker
     * writes its seat; the pool reads it to know, when the worker dies or overruns, which task it
     * was in. Each worker also reads tasks from a ring of its own, a queue segment.
     *
     * <pre>
     *  0               result ring ({@link Ring}) of RESULT_CAPACITY bytes
     *  seat(i)         long  id of the unit the worker last began (0: none yet)
     *  seat(i) + 8     long  index of the item it runs within that unit; IDLE once the unit's result is sent
     *  seat(i) + 16    long  System.nanoTime() when that item began (CLOCK_MONOTONIC: one clock for
     *                        every process of the machine); written before the item index
     *  seat(i) + 24    long  cancellations the pool has written into this seat's table, all told
     *  seat(i) + 32..63      (padding to a cache line)
     *  seat(i) + 64    CANCELLED_SLOTS x long: ids of units sent to this worker and cancelled before
     *                  it began them, written in turn; the worker skips those
     * </pre>
     * A worker holds at most {@code CANCELLED_SLOTS} units not begun (two batches of at most 256),
     * so an id is never overwritten while the worker could still begin its unit.
     */
    public static final class Pool {
        public static final int RESULT_RING = 0;
        public static final int RESULT_CAPACITY = 1 << 20;
        public static final int SEATS = RESULT_RING + (int) Ring.size(RESULT_CAPACITY);
        public static final int SEAT_UNIT = 0;
        public static final int SEAT_ITEM = 8;
        public static final int SEAT_STARTED = 16;
        public static final int SEAT_CANCELLATIONS = 24;
        public static final int SEAT_CANCELLED = CACHE_LINE;
        public static final int CANCELLED_SLOTS = 512;
        public static final int SEAT_SIZE = SEAT_CANCELLED + CANCELLED_SLOTS * Long.BYTES;
        /** The item index of a worker between units. */
        public static final long IDLE = -1;

        private Pool() {}

        /** Where seat {@code i} starts. */
        public static long seat(int i) {
            return SEATS + (long) i * SEAT_SIZE;
        }

        /** Bytes the state of a pool of {@code seats} workers takes. */
        public static long size(int seats) {
            return seat(seats);
        }
    }

    /**
     * A spill file ({@link SpillBlocks}): a message too large for its ring, in a file beside the
     * ring's segment, which its writer fills again with a later message once a reader has read it.
     *
     * <pre>
     *  0    int   MAGIC ('MP4X')
     *  4    int   state: FREE (read; the writer may fill it again), BUSY (written, not yet read),
     *             READING (a reader took its frame and is copying it out), ORPHANED (its writer
     *             has let it go: whoever reads it deletes it), DELETED (its writer is deleting it:
     *             a reader that kept it open closes it)
     *  8    long  generation: the messages the file has carried, this one included
     *  16   long  the message's length in bytes
     *  24..63     (padding to a cache line)
     *  64   the message, up to the file's end
     * </pre>
     * The frame of a spilled message in the ring holds the generation and the length too, then the
     * file's name in UTF-8, so that a reader checks that the file holds the message its frame names.
     */
    public static final class Spill {
        public static final int MAGIC = 0x4D50_3458;
        public static final int MAGIC_OFFSET = 0;
        public static final int STATE = 4;
        public static final int GENERATION = 8;
        public static final int LENGTH = 16;
        public static final int MESSAGE = CACHE_LINE;

        public static final int FREE = 0;
        public static final int BUSY = 1;
        public static final int ORPHANED = 2;
        public static final int DELETED = 3;
        public static final int READING = 4;

        public static final int FRAME_GENERATION = 0;
        public static final int FRAME_LENGTH = 8;
        public static final int FRAME_NAME = 16;

        private Spill() {}
    }

    /**
     * A {@code SharedMemory} block: a {@link Header}, whose body size is the block's size as asked
     * for, then the block's bytes from the first page boundary after the header, so that a block is
     * page-aligned as a mapping of its own would be.
     *
     * <pre>
     *  0      Header (Header.SIZE bytes)
     *  ..     (padding to a page)
     *  BODY   the block's size bytes
     * </pre>
     */
    public static final class Block {
        public static final long PAGE = 4096;
        public static final long BODY = (Header.SIZE + PAGE - 1) / PAGE * PAGE;

        private Block() {}

        /** The length of the file that holds a block of {@code size} bytes. */
        public static long fileLength(long size) {
            return BODY + size;
        }
    }

    /**
     * A {@code ShareableList}, in the body of a {@link Block}:
     *
     * <pre>
     *  0          int   MAGIC ('MP4L')
     *  4          int   slot count n
     *  8..15            (padding)
     *  16 + 16i   slot i:
     *               0  long  tag: the value's type (low 32 bits) and, for a String or byte[], its
     *                        length in bytes (high 32 bits), in one word so that they change together
     *               8  int   capacity: the bytes of storage the slot was given, a multiple of ALIGNMENT
     *               12 int   (padding)
     *  16 + 16n   storage: slot i's bytes follow slot i-1's; a long, double or boolean in its first
     *             8 bytes, a String's UTF-8 bytes or a byte[]'s bytes from its start
     * </pre>
     * A zeroed tag is no type: a slot that reads as one is damaged.
     */
    public static final class ShareableList {
        public static final int MAGIC = 0x4D50_344C;
        public static final int MAGIC_OFFSET = 0;
        public static final int COUNT_OFFSET = 4;
        public static final int SLOTS_OFFSET = 16;
        public static final int SLOT_SIZE = 16;
        public static final int SLOT_TAG = 0;
        public static final int SLOT_CAPACITY = 8;
        /** Python's {@code _alignment}: every slot's storage is a multiple of it. */
        public static final int ALIGNMENT = 8;

        public static final int TYPE_LONG = 1;
        public static final int TYPE_DOUBLE = 2;
        public static final int TYPE_BOOLEAN = 3;
        public static final int TYPE_STRING = 4;
        public static final int TYPE_BYTES = 5;
        public static final int TYPE_NONE = 6;

        private ShareableList() {}

        /** Where slot {@code i}'s tag and capacity lie. */
        public static long slot(int i) {
            return SLOTS_OFFSET + (long) i * SLOT_SIZE;
        }

        /** Where the storage of a list of {@code n} slots begins. */
        public static long storage(int n) {
            return slot(n);
        }
    }
}
