package org.multiprocessing4j.internal.shm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/**
 * One direction of a queue or a pipe: messages of bytes in a ring in shared memory
 * ({@link SharedLayout.Ring}), any number of writing and reading processes.
 *
 * <p>Writers take the writer mutex, wait for room, copy the frame in and publish it by moving
 * {@code tail}; readers take the reader mutex, wait for a frame, copy it out, check its CRC-32C and
 * consume it by moving {@code head}. Both mutexes are robust, and a frame is published or consumed
 * by one store, so a process killed with either mutex leaves a consistent ring: the next reader
 * reads the frame the dead one had not consumed.
 *
 * <p>A payload larger than a quarter of the ring goes in a spill file beside the ring's segment,
 * which its writer fills again once it is read ({@link SpillBlocks}), and the frame names it. So a
 * message of any size goes through, in order; a writer waits for a reader to read a large one only
 * a while, and only where the put's deadline allows.
 *
 * <p>Memory ordering: the frame's header and bytes (plain writes through a buffer view of the data
 * area) are written before the volatile store of {@code tail} and read after the volatile load that
 * observes it; the same holds for {@code head} and the room it frees. A waiter spins, then sleeps
 * on the low half of {@code tail} (readers) or {@code head} (writers) with a sleeper count, as
 * {@link SpinThenSleep} does for every waiter here, so no wake-up is lost.
 *
 * <p>A fresh process runs these paths interpreted for its first thousands of messages, then
 * compiles them on cores it shares with the other process: so the common path of a put or a read
 * is kept small (the rare outcomes are methods of their own), looks at each shared word once, and
 * copies through a buffer rather than through the segment's var handles.
 */
public final class MessageRing implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int INLINE = 1;
    private static final int SPILLED = 2;
    private static final int SPILL_FRACTION = 4;
    private static final byte[] NO_HEAD = {};
    private static final long LIVENESS_CHECK_INTERVAL_NANOS = 10_000_000;

    private final SharedSegment segment;
    private final long base;
    private final RobustMutex writer;
    private final RobustMutex reader;

    public MessageRing(SharedSegment segment, long base) {
        this.segment = segment;
        this.base = base;
        this.writer = new RobustMutex(segment, base + SharedLayout.Ring.WRITER_MUTEX);
        this.reader = new RobustMutex(segment, base + SharedLayout.Ring.READER_MUTEX);
    }

    /** Writes where this ring is, for {@link #readFrom}. */
    public void writeTo(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(base);
    }

    /** The ring that {@link #writeTo} wrote, in this process. */
    public static MessageRing readFrom(DataInputStream in) throws IOException {
        SharedSegment segment = SharedSegment.readFrom(in);
        return new MessageRing(segment, segment.checkedOffset(in.readLong(), SharedLayout.Ring.DATA));
    }

    /**
     * Writes the initial state of a new ring; {@code capacity} must be a power of two, and
     * {@code joinable} rings count unfinished tasks.
     */
    public void initialize(int capacity, int maxsize, boolean joinable) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two, not " + capacity);
        }
        MemorySegment memory = segment.memory();
        Atomics.INT.setVolatile(memory, base + SharedLayout.Ring.JOINABLE, joinable ? 1 : 0);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Ring.MAXSIZE, maxsize);
        Atomics.INT.setVolatile(memory, base + SharedLayout.Ring.CAPACITY, capacity);
    }

    /**
     * Appends one message, waiting until {@code deadline} for room (and for the item count to be
     * under maxsize).
     *
     * @return false if the deadline passed first; nothing was written
     */
    public boolean put(byte[] payload, Deadline deadline) throws InterruptedException {
        return put(NO_HEAD, payload, deadline);
    }

    /**
     * Appends one message made of {@code head} and then {@code rest}, as {@link #put(byte[],
     * Deadline)} appends their concatenation; a large one is copied into its spill file from the two
     * arrays as they are, without a copy of the whole on the heap. Both are read only before this
     * returns.
     */
    public boolean put(byte[] head, byte[] rest, Deadline deadline) throws InterruptedException {
        return put(head, rest, deadline, deadline);
    }

    /**
     * As {@link #put(byte[], byte[], Deadline)}; a message too large for the ring waits until
     * {@code spillDeadline}, rather than {@code deadline}, for a reader to free one of this
     * handle's spill files ({@link SpillBlocks}): for a caller that retries a put in short slices
     * until the ring has room.
     */
    public boolean put(byte[] head, byte[] rest, Deadline deadline, Deadline spillDeadline) throws InterruptedException {
        Constants constants = constants();
        int capacity = constants.capacity();
        SpillBlocks.Written spilled = (long) head.length + rest.length > capacity / SPILL_FRACTION
                ? spills().write(head, rest, spillDeadline, reader.isLocked()) : null;
        byte[] body = spilled != null ? spilled.frame() : concat(head, rest);
        if (!writer.acquire(deadline)) {
            discard(spilled);
            return false;
        }
        try {
            long frame = frameSize(body.length);
            MemorySegment memory = segment.memory();
            // Only writers move tail, and this one holds the writer mutex: one look serves.
            long tail = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.TAIL);
            if (!hasRoom(tail, frame, constants) && !awaitRoom(tail, frame, constants, deadline)) {
                discard(spilled);
                return false;
            }
            CRC32C crc = new CRC32C();
            crc.update(body);
            // Frames start at multiples of the header's size, and the capacity is a power of two
            // larger than it, so a header never wraps: its ints are written in place.
            ByteBuffer data = constants.data();
            int header = (int) (tail & (capacity - 1));
            data.putInt(header + SharedLayout.Ring.FRAME_LENGTH, body.length);
            data.putInt(header + SharedLayout.Ring.FRAME_CHECKSUM, (int) crc.getValue());
            data.putInt(header + SharedLayout.Ring.FRAME_KIND, spilled != null ? SPILLED : INLINE);
            copyIn(data, body, tail + SharedLayout.Ring.FRAME_HEADER, capacity);
            if (constants.joinable()) {
                Atomics.INT.getAndAdd(memory, base + SharedLayout.Ring.UNFINISHED, 1);
            }
            // Only writers, one at a time, change these: plain volatile stores, no atomic add.
            long written = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.FRAMES_WRITTEN);
            Atomics.LONG.setVolatile(memory, base + SharedLayout.Ring.FRAMES_WRITTEN, written + 1);
            Atomics.LONG.setVolatile(memory, base + SharedLayout.Ring.TAIL, tail + frame);
            wakeSleepers(SharedLayout.Ring.DATA_FUTEX, SharedLayout.Ring.DATA_SLEEPERS);
            return true;
        } finally {
            writer.release();
        }
    }

    /**
     * Removes the oldest message, waiting until {@code deadline} for one.
     *
     * @return the payload, or null if the deadline passed first
     * @throws EOFException if the ring is empty and its sending end is closed or dead
     * @throws CorruptFrameException if the frame's bytes were damaged; the frame is dropped and the
     *     ring stays usable
     */
    public byte[] take(Deadline deadline) throws InterruptedException, IOException {
        return read(deadline, true, WHOLE);
    }

    /** As {@link #take(Deadline)}, the message as {@code reader} reads it. */
    public <T> T take(Deadline deadline, Reader<T> reader) throws InterruptedException, IOException {
        return read(deadline, true, reader);
    }

    /** The oldest message without removing it, or null if none arrives before {@code deadline}. */
    public byte[] peek(Deadline deadline) throws InterruptedException, IOException {
        return read(deadline, false, WHOLE);
    }

    /** As {@link #peek(Deadline)}, the message as {@code reader} reads it. */
    public <T> T peek(Deadline deadline, Reader<T> reader) throws InterruptedException, IOException {
        return read(deadline, false, reader);
    }

    /**
     * The messages in the ring now, oldest first, as {@code as} reads them, none removed: what a
     * weakly consistent iterator shows. It takes no mutex, since a taker holds the reader mutex
     * while it waits for a message, for as long as none comes.
     *
     * <p>Why that is safe: the frames between {@code head} and the {@code tail} read at the start
     * are committed, and no writer touches them, nor their spill files, until a reader has consumed
     * them, which moves {@code head} past them; and {@code head} only grows. So each frame is
     * copied, then kept only if a volatile read of {@code head} after the copy has not passed it.
     * A frame that was consumed meanwhile may have been overwritten: the walk starts again from the
     * new {@code head} ({@link #startAgain}), leaving out what was taken meanwhile.
     *
     * @throws CorruptFrameException if a frame no reader has consumed is damaged; it stays for the
     *     next reader to drop
     */
    public <T> List<T> snapshot(Reader<T> as) throws IOException {
        MemorySegment memory = segment.memory();
        Constants constants = constants();
        int capacity = constants.capacity();
        ByteBuffer data = constants.data();
        long tail = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.TAIL);
        long at = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.HEAD);
        if (tail - at > capacity) {
            throw new CorruptFrameException("corrupt queue: head " + at + " and tail " + tail + " in a ring of " + capacity);
        }
        List<T> messages = new ArrayList<>();
        while (at < tail) {
            T message;
            long size;
            try {
                int header = (int) (at & (capacity - 1));
                int length = data.getInt(header + SharedLayout.Ring.FRAME_LENGTH);
                int checksum = data.getInt(header + SharedLayout.Ring.FRAME_CHECKSUM);
                int kind = data.getInt(header + SharedLayout.Ring.FRAME_KIND);
                if (!saneHeader(length, kind, tail - at)) {
                    throw new CorruptFrameException("corrupt queue frame: length " + length + ", kind " + kind);
                }
                byte[] body = new byte[length];
                copyOut(data, at + SharedLayout.Ring.FRAME_HEADER, body, capacity);
                if (!matches(body, checksum)) {
                    throw new CorruptFrameException("corrupt queue frame: checksum mismatch on a frame of " + length + " bytes");
                }
                message = kind == SPILLED ? spills().read(body, as, false) : as.frame(body);
                size = frameSize(length);
            } catch (IOException | RuntimeException e) {
                if (headPassed(memory, at)) {
                    at = startAgain(memory, messages);
                    continue;
                }
                throw e;
            }
            if (headPassed(memory, at)) {
                at = startAgain(memory, messages);
                continue;
            }
            messages.add(message);
            at += size;
        }
        return messages;
    }

    /**
     * For {@link #snapshot}, once {@code head} passed the frame being read: drops the messages kept
     * so far, which were all before it and so taken too, and returns the new {@code head}. So the
     * messages a snapshot returns were all in the ring at one moment, the check of the first.
     */
    private long startAgain(MemorySegment memory, List<?> kept) {
        kept.clear();
        return (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.HEAD);
    }

    /**
     * Leaves the ring's segment now, and deletes its file if no other live process uses it: for an
     * owner that knows nobody will attach to it again ({@link SharedSegment#retire}).
     */
    public void retire() {
        segment.retire();
    }

    /** Whether a frame header can be trusted: a known kind, and a length within the {@code written} bytes. */
    private static boolean saneHeader(int length, int kind, long written) {
        return length >= 0 && frameSize(length) <= written && (kind == INLINE || kind == SPILLED);
    }

    /** Whether a frame's payload has the CRC-32C its header holds. */
    private static boolean matches(byte[] body, int checksum) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return (int) crc.getValue() == checksum;
    }

    /** Whether a reader has consumed the frame at {@code position}. */
    private boolean headPassed(MemorySegment memory, long position) {
        return (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.HEAD) > position;
    }

    /**
     * How a reader takes in a message: the bytes of one that was in the ring, or the spill file of
     * a large one, which it copies into the form it will keep without holding the bytes whole
     * twice. {@link #spilled} runs while the ring's reader mutex is held and before the frame is
     * consumed: it only reads, and runs none of the user's code.
     */
    public interface Reader<T> {
        /** A message that was in the ring: its bytes, which the reader may keep. */
        T frame(byte[] message) throws IOException;

        /** A message in a spill file, which the reader copies out ({@link SpilledMessage#copyTo}) before this returns. */
        T spilled(SpilledMessage message) throws IOException;
    }

    /** A message in a spill file, as a {@link Reader} copies it out. */
    public interface SpilledMessage {
        long length();

        /**
         * Fills {@code length} bytes of {@code into} from {@code offset} with the message's bytes
         * from {@code from} on.
         *
         * @throws IOException if the file does not hold them
         */
        void copyTo(long from, byte[] into, int offset, int length) throws IOException;

        /** The message's bytes from {@code from} on, in a new array. */
        default byte[] bytesFrom(int from) throws IOException {
            byte[] bytes = new byte[(int) length() - from];
            copyTo(from, bytes, 0, bytes.length);
            return bytes;
        }
    }

    /** Reads every message as its bytes. */
    public static final Reader<byte[]> WHOLE = new Reader<>() {
        @Override
        public byte[] frame(byte[] message) {
            return message;
        }

        @Override
        public byte[] spilled(SpilledMessage message) throws IOException {
            return message.bytesFrom(0);
        }
    };

    /**
     * True if a message is waiting, or the sending end has closed or died (a read would not block).
     * Whether its holders died is looked up as {@link #goneLookedUpNow} does, not at every call: a
     * poll of an empty pipe would read /proc each time, some 10 to 20 us.
     */
    public boolean readable() {
        return items() > 0 || goneLookedUpNow(End.SENDING);
    }

    /**
     * Waits until {@link #readable()} or the deadline; returns whether it is readable. It spins and
     * sleeps on the data alone: whether the sender is gone reads /proc, so it is looked at only
     * between sleeps, as {@link #take} does.
     */
    public boolean awaitReadable(Deadline deadline) throws InterruptedException {
        return readable() || SpinThenSleep.spinUntil(this::hasData) || sleepUntil(SharedLayout.Ring.DATA_FUTEX,
                SharedLayout.Ring.DATA_SLEEPERS, deadline, this::hasData, true) || gone(End.SENDING);
    }

    /** Messages in the ring now: frames written minus frames read. */
    public int items() {
        MemorySegment memory = segment.memory();
        long read = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.FRAMES_READ);
        long written = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.FRAMES_WRITTEN);
        return (int) Math.max(0, written - read);
    }

    public int maxsize() {
        return constants().maxsize();
    }

    /** JoinableQueue's task_done: one fewer unfinished item. */
    public void taskDone() {
        MemorySegment memory = segment.memory();
        int unfinished;
        do {
            unfinished = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Ring.UNFINISHED);
            if (unfinished <= 0) {
                throw new IllegalStateException("task_done() called too many times");
            }
        } while (!Atomics.INT.compareAndSet(memory, base + SharedLayout.Ring.UNFINISHED, unfinished, unfinished - 1));
        if (unfinished == 1) {
            Atomics.INT.getAndAdd(memory, base + SharedLayout.Ring.TASKS_SEQUENCE, 1);
            wakeSleepers(SharedLayout.Ring.TASKS_SEQUENCE, SharedLayout.Ring.JOINERS);
        }
    }

    /**
     * JoinableQueue's join: waits until every item put has been marked done; false if
     * {@code deadline} passed first. It sleeps at once, without spinning: a join waits for a whole
     * batch of work, not for a peer's next step.
     */
    public boolean awaitTasksDone(Deadline deadline) throws InterruptedException {
        MemorySegment memory = segment.memory();
        BooleanSupplier allDone = () -> (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Ring.UNFINISHED) == 0;
        return allDone.getAsBoolean()
                || sleepUntil(SharedLayout.Ring.TASKS_SEQUENCE, SharedLayout.Ring.JOINERS, deadline, allDone, false);
    }

    /**
     * One end of the ring, as a pipe's {@code Connection} holds it: the sending end writes, the
     * receiving end reads. Each has a closed flag and a table of the processes that hold it.
     */
    public enum End {
        SENDING(SharedLayout.Ring.CLOSED, SharedLayout.Ring.SENDER_SLOTS_OFFSET),
        RECEIVING(SharedLayout.Ring.RECEIVER_CLOSED, SharedLayout.Ring.RECEIVER_SLOTS_OFFSET);

        private final int closedFlag;
        private final int holderSlots;

        End(int closedFlag, int holderSlots) {
            this.closedFlag = closedFlag;
            this.holderSlots = holderSlots;
        }
    }

    /**
     * Marks {@code end} closed, in every process. Closing the sending end wakes readers so they see
     * it; a writer waiting for room looks at the receiving end between its sleeps.
     */
    public void close(End end) {
        Atomics.INT.setVolatile(segment.memory(), base + end.closedFlag, 1);
        if (end == End.SENDING) {
            wakeSleepers(SharedLayout.Ring.DATA_FUTEX, SharedLayout.Ring.DATA_SLEEPERS);
        }
    }

    public boolean closed(End end) {
        return (int) Atomics.INT.getVolatile(segment.memory(), base + end.closedFlag) != 0;
    }

    /** Whether both ends are closed for every process: nobody can send or receive on the ring again. */
    public boolean closedForEveryone() {
        return closed(End.SENDING) && closed(End.RECEIVING);
    }

    /** Deletes the ring's segment now ({@link SharedSegment#delete}): for a ring that nobody can use again. */
    public void deleteSegment() {
        segment.delete();
    }

    /**
     * Records this process as a holder of {@code end}, so that its death counts toward the end's
     * being gone.
     *
     * @throws IllegalStateException if {@link SharedLayout.Ring#HOLDER_SLOTS} live processes hold it
     */
    public void register(End end) {
        register(end, Liveness.selfPid(), Liveness.selfStartTime());
    }

    /**
     * Records process {@code pid} as a holder of {@code end}: a parent does so for the child it gives
     * the end to, so that the end counts as gone even if the child dies before it can record itself.
     *
     * @throws IllegalStateException as {@link #register(End)}
     */
    public void register(End end, long pid) {
        register(end, pid, Liveness.startTime(pid));
    }

    private void register(End end, long pid, long startTime) {
        if (!ProcessSlots.register(segment.memory(), base + end.holderSlots, SharedLayout.Ring.HOLDER_SLOTS,
                pid, startTime)) {
            throw new IllegalStateException("a pipe end is held by " + SharedLayout.Ring.HOLDER_SLOTS
                    + " live processes already, the most it can be; process " + pid + " cannot hold it too");
        }
    }

    /** True if one more process could hold {@code end} now. */
    public boolean hasRoomForHolder(End end) {
        return ProcessSlots.hasRoom(segment.memory(), base + end.holderSlots, SharedLayout.Ring.HOLDER_SLOTS);
    }

    /** True if {@code end} was closed, or every process that held it has died. */
    public boolean gone(End end) {
        return closed(end) || ProcessSlots.state(segment.memory(), base + end.holderSlots,
                SharedLayout.Ring.HOLDER_SLOTS) == ProcessSlots.State.ALL_DEAD;
    }

    /**
     * {@link #gone(End)}, for a caller on a hot path: the closed flag is read every time, but whether
     * the holders live is read from {@code /proc}, so it is looked up at most every
     * {@link #LIVENESS_CHECK_INTERVAL_NANOS} per handle and end, or at once after this process has
     * seen a child of its own end ({@link Liveness#childEnded()}); a holder that dies elsewhere is
     * seen within that interval.
     */
    public boolean goneLookedUpNow(End end) {
        if (closed(end)) {
            return true;
        }
        LastLook last = end == End.SENDING ? lastLookAtSenders : lastLookAtReceivers;
        if (last == null) {
            last = new LastLook();
            if (end == End.SENDING) {
                lastLookAtSenders = last;
            } else {
                lastLookAtReceivers = last;
            }
        }
        long now = System.nanoTime();
        int deaths = Liveness.childDeaths();
        if (last.looked && now - last.at < LIVENESS_CHECK_INTERVAL_NANOS && deaths == last.childDeaths) {
            return false;
        }
        last.looked = true;
        last.at = now;
        last.childDeaths = deaths;
        return gone(end);
    }

    /** When this handle last read {@code /proc} for one end's holders, and how many child deaths it had seen. */
    private static final class LastLook {
        boolean looked;
        long at;
        int childDeaths;
    }

    private <T> T read(Deadline deadline, boolean consume, Reader<T> as) throws InterruptedException, IOException {
        if (!reader.acquire(deadline)) {
            return null;
        }
        try {
            MemorySegment memory = segment.memory();
            // Only readers move head, and this one holds the reader mutex: one look serves.
            long head = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.HEAD);
            long tail = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.TAIL);
            if (tail == head) {
                if (!awaitData(head, deadline)) {
                    return nothingToRead();
                }
                tail = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.TAIL);
            }
            Constants constants = constants();
            int capacity = constants.capacity();
            ByteBuffer data = constants.data();
            int header = (int) (head & (capacity - 1));
            int length = data.getInt(header + SharedLayout.Ring.FRAME_LENGTH);
            int checksum = data.getInt(header + SharedLayout.Ring.FRAME_CHECKSUM);
            int kind = data.getInt(header + SharedLayout.Ring.FRAME_KIND);
            if (tail - head > capacity || !saneHeader(length, kind, tail - head)) {
                throw dropDamagedHeader(memory, head, tail, length, kind);
            }
            byte[] body = new byte[length];
            copyOut(data, head + SharedLayout.Ring.FRAME_HEADER, body, capacity);
            if (!matches(body, checksum)) {
                throw dropDamagedFrame(memory, head, length);
            }
            // A spilled payload is read before the frame is consumed: once it is, the tracker may take
            // the file for one whose writer died before committing it.
            T payload = kind == SPILLED ? readSpilled(memory, head, length, body, as, consume) : as.frame(body);
            if (consume) {
                consume(memory, head, frameSize(length), 1);
                if (kind == SPILLED) {
                    spills().consumed(body);
                }
            }
            return payload;
        } finally {
            reader.release();
        }
    }

    /**
     * Holding the reader mutex, after no frame came before the deadline: null, or EOF if none will.
     * The rare outcomes of a read are methods of their own, so that what a fresh process compiles
     * first, the read of a frame, is small.
     */
    private <T> T nothingToRead() throws EOFException {
        if (items() == 0 && gone(End.SENDING)) {
            throw new EOFException("the other end is closed and everything sent has been read");
        }
        return null;
    }

    /** Holding the reader mutex: a frame header is damaged, so nothing after it can be trusted; drops all. */
    private CorruptFrameException dropDamagedHeader(MemorySegment memory, long head, long tail, int length, int kind) {
        consume(memory, head, tail - head, (int) Math.max(1, items()));
        return new CorruptFrameException("corrupt queue frame: length " + length + ", kind " + kind
                + "; the unread contents of the ring were dropped");
    }

    /**
     * Holding the reader mutex: the message of a spilled frame, as {@code as} reads it. A frame
     * whose file is gone or holds something else is dropped, as a damaged frame is.
     */
    private <T> T readSpilled(MemorySegment memory, long head, int length, byte[] body, Reader<T> as,
            boolean consuming) throws IOException {
        try {
            if (body.length <= SharedLayout.Spill.FRAME_NAME) {
                throw new CorruptFrameException("corrupt queue frame: a spilled frame of " + body.length + " bytes");
            }
            return spills().read(body, as, consuming);
        } catch (CorruptFrameException e) {
            consume(memory, head, frameSize(length), 1);
            throw e;
        }
    }

    /** Holding the reader mutex: a frame's payload does not match its checksum; drops the frame. */
    private CorruptFrameException dropDamagedFrame(MemorySegment memory, long head, int length) {
        consume(memory, head, frameSize(length), 1);
        return new CorruptFrameException("corrupt queue frame: checksum mismatch on a frame of "
                + length + " bytes; the frame was dropped");
    }

    /**
     * Holding the reader mutex, with head at {@code head}: drops {@code frames} frames,
     * {@code bytes} in all.
     */
    private void consume(MemorySegment memory, long head, long bytes, int frames) {
        long read = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.FRAMES_READ);
        Atomics.LONG.setVolatile(memory, base + SharedLayout.Ring.FRAMES_READ, read + frames);
        Atomics.LONG.setVolatile(memory, base + SharedLayout.Ring.HEAD, head + bytes);
        wakeSleepers(SharedLayout.Ring.SPACE_FUTEX, SharedLayout.Ring.SPACE_SLEEPERS);
    }

    /** Holding the writer mutex, with tail at {@code tail}: waits for {@code frame} bytes of room and an item slot. */
    private boolean awaitRoom(long tail, long frame, Constants constants, Deadline deadline)
            throws InterruptedException {
        if (frame > constants.capacity()) {
            throw new IllegalStateException("a frame of " + frame + " bytes cannot fit a ring of "
                    + constants.capacity());
        }
        BooleanSupplier ready = () -> hasRoom(tail, frame, constants);
        return SpinThenSleep.spinUntil(ready) || sleepUntil(SharedLayout.Ring.SPACE_FUTEX, SharedLayout.Ring.SPACE_SLEEPERS, deadline,
                ready, false);
    }

    private boolean hasRoom(long tail, long frame, Constants constants) {
        long head = (long) Atomics.LONG.getVolatile(segment.memory(), base + SharedLayout.Ring.HEAD);
        int maxsize = constants.maxsize();
        return constants.capacity() - (tail - head) >= frame && (maxsize <= 0 || items() < maxsize);
    }

    /**
     * Holding the reader mutex, with head at {@code head}: waits for a frame; false at the deadline
     * or if the sender is gone. It spins on tail alone, in a loop of its own: the wait every read
     * of a stream or a request-reply exchange makes, which a fresh process compiles first.
     */
    private boolean awaitData(long head, Deadline deadline) throws InterruptedException {
        return spinWhileTailIs(head)
                || sleepUntil(SharedLayout.Ring.DATA_FUTEX, SharedLayout.Ring.DATA_SLEEPERS, deadline, this::hasData, true);
    }

    /** Spins while tail is {@code tail}, as {@link SpinThenSleep#spinUntil} would; true once it moved. */
    private boolean spinWhileTailIs(long tail) {
        MemorySegment memory = segment.memory();
        long spinEnd = SpinThenSleep.spinEnd();
        for (int round = 0; (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.TAIL) == tail; round++) {
            if (!SpinThenSleep.pause(round, spinEnd)) {
                return false;
            }
        }
        return true;
    }

    private boolean hasData() {
        MemorySegment memory = segment.memory();
        return (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.TAIL)
                != (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Ring.HEAD);
    }

    /**
     * Wakes the sleepers on a futex word, if there are any, after a commit changed it. Closing the
     * sending end changes no futex word: a reader that looked at the closed flag just before it was
     * set and sleeps just after this wake sleeps one slice before it sees it.
     */
    private void wakeSleepers(int futexWord, int sleepers) {
        SpinThenSleep.wakeSleepers(segment, base + futexWord, base + sleepers);
    }

    /** Sleeps on one of the ring's futex words until {@code ready}; see {@link SpinThenSleep#sleepUntil}. */
    private boolean sleepUntil(int futexWord, int sleepers, Deadline deadline, BooleanSupplier ready,
            boolean stopWhenSenderGone) throws InterruptedException {
        return SpinThenSleep.sleepUntil(segment, base + futexWord, base + sleepers, deadline, ready,
                stopWhenSenderGone ? () -> goneLookedUpNow(End.SENDING) : () -> false);
    }

    /**
     * What never changes after {@link #initialize}, read once per handle. One object with final
     * fields, so that a thread that finds it finds all of it (the field is written without
     * synchronization, possibly by several threads, with equal values).
     *
     * @param data the data area as a buffer in this machine's byte order. Frames are copied and
     *     their headers read and written through it, not through var handles on the segment: a
     *     fresh process does thousands of these before they are compiled, and the buffer's
     *     absolute methods do a fraction of the segment's checks, interpreted and compiled alike.
     *     Absolute methods leave the buffer's position alone, so threads may share it.
     */
    private record Constants(int capacity, int maxsize, boolean joinable, ByteBuffer data) {}

    private Constants constants() {
        Constants known = constants;
        return known != null ? known : readConstants();
    }

    private Constants readConstants() {
        MemorySegment memory = segment.memory();
        int capacity = (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Ring.CAPACITY);
        if (!capacityFits(memory, base, capacity)) {
            throw new IllegalStateException("the shared memory of a queue or pipe is damaged: its ring's capacity reads "
                    + capacity + ", which is not a power of two that fits its segment of " + memory.byteSize() + " bytes");
        }
        Constants read = new Constants(capacity,
                (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Ring.MAXSIZE),
                (int) Atomics.INT.getVolatile(memory, base + SharedLayout.Ring.JOINABLE) != 0,
                dataView(memory, base, capacity));
        constants = read;
        return read;
    }

    private transient Constants constants;
    private transient LastLook lastLookAtSenders;
    private transient LastLook lastLookAtReceivers;
    private transient volatile SpillBlocks spills;

    /** True if {@code capacity}, read from the ring at {@code ring}, is one a ring can have in {@code memory}. */
    private static boolean capacityFits(MemorySegment memory, long ring, int capacity) {
        return Integer.bitCount(capacity) == 1 && capacity >= 2 * SharedLayout.Ring.FRAME_HEADER
                && ring + SharedLayout.Ring.DATA + capacity <= memory.byteSize();
    }

    /** The data area of the ring at {@code ring}, as a buffer in this machine's byte order. */
    private static ByteBuffer dataView(MemorySegment memory, long ring, int capacity) {
        return memory.asSlice(ring + SharedLayout.Ring.DATA, capacity).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    private static long frameSize(int length) {
        long padded = ((long) length + SharedLayout.Ring.FRAME_ALIGNMENT - 1)
                / SharedLayout.Ring.FRAME_ALIGNMENT * SharedLayout.Ring.FRAME_ALIGNMENT;
        return SharedLayout.Ring.FRAME_HEADER + padded;
    }

    /**
     * Copies {@code bytes} into the data area from {@code position} on, what runs past its end to its
     * start. The second copy is made even when it is empty, rather than behind a branch: a fresh
     * JVM's JIT compiles the writer before the ring first wraps, takes the untaken branch for one that
     * never will be, and at the first wrap throws the compiled code away and compiles it again
     * (measured in a fresh child calling a manager: C2 compiled {@link #put} twice, for 32 and 62 ms,
     * each on a core of two; once with the empty copy).
     */
    private static void copyIn(ByteBuffer data, byte[] bytes, long position, int capacity) {
        int start = (int) (position & (capacity - 1));
        int first = Math.min(bytes.length, capacity - start);
        data.put(start, bytes, 0, first);
        data.put(0, bytes, first, bytes.length - first);
    }

    /** As {@link #copyIn}, out of the data area, with the same empty second copy. */
    private static void copyOut(ByteBuffer data, long position, byte[] bytes, int capacity) {
        int start = (int) (position & (capacity - 1));
        int first = Math.min(bytes.length, capacity - start);
        data.get(start, bytes, 0, first);
        data.get(0, bytes, first, bytes.length - first);
    }

    private static byte[] concat(byte[] head, byte[] rest) {
        if (head.length == 0) {
            return rest;
        }
        byte[] whole = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, whole, head.length, rest.length);
        return whole;
    }

    /** A spilled message whose frame was not committed. */
    private void discard(SpillBlocks.Written spilled) {
        if (spilled != null) {
            spills().discard(spilled);
        }
    }

    /** This handle's spill files, made at its first large message. */
    private SpillBlocks spills() {
        SpillBlocks known = spills;
        if (known == null) {
            synchronized (this) {
                known = spills;
                if (known == null) {
                    known = SpillBlocks.of(this, segment.name());
                    spills = known;
                }
            }
        }
        return known;
    }

    /**
     * The names of the spill files that committed, unread frames of the rings in {@code memory} (a
     * queue's or a pipe's segment, mapped by the tracker) refer to: those files must stay whoever
     * wrote them. The frames are walked from head to tail without taking the reader mutex; a walk
     * that meets a damaged frame, or a ring changing under it, gives null, and the caller then keeps
     * every file.
     */
    static Set<String> spillNamesInFlight(MemorySegment memory) {
        Set<String> names = new java.util.HashSet<>();
        long end = memory.byteSize();
        for (long ring = SharedLayout.Header.SIZE; ring + SharedLayout.Ring.DATA < end; ) {
            int capacity = (int) Atomics.INT.getVolatile(memory, ring + SharedLayout.Ring.CAPACITY);
            if (!capacityFits(memory, ring, capacity)) {
                return null;
            }
            ByteBuffer data = dataView(memory, ring, capacity);
            long head = (long) Atomics.LONG.getVolatile(memory, ring + SharedLayout.Ring.HEAD);
            long tail = (long) Atomics.LONG.getVolatile(memory, ring + SharedLayout.Ring.TAIL);
            if (tail - head < 0 || tail - head > capacity) {
                return null;
            }
            for (long at = head; at < tail; ) {
                int header = (int) (at & (capacity - 1));
                int length = data.getInt(header + SharedLayout.Ring.FRAME_LENGTH);
                if (length < 0 || frameSize(length) > tail - at) {
                    return null;
                }
                if (data.getInt(header + SharedLayout.Ring.FRAME_KIND) == SPILLED) {
                    if (length <= SharedLayout.Spill.FRAME_NAME) {
                        return null;
                    }
                    byte[] frame = new byte[length];
                    copyOut(data, at + SharedLayout.Ring.FRAME_HEADER, frame, capacity);
                    names.add(SpillBlocks.nameOf(frame));
                }
                at += frameSize(length);
            }
            ring += SharedLayout.Ring.size(capacity);
        }
        return names;
    }

    /** The same ring in the same segment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof MessageRing other && base == other.base && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(base);
    }

}
