package org.multiprocessing4j.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.MaybeEncodingException;

/** The pool's small pure parts: chunk sizes, batch sizes, the value forms, the result list. */
@Timeout(10)
class PoolPartsTest {
    @Test
    void theDefaultChunkSizeIsPythonsFourChunksPerWorkerRoundedUp() {
        assertThat(PoolCalls.defaultChunksize(2_000_000, 2)).isEqualTo(250_000);
        assertThat(PoolCalls.defaultChunksize(100, 3)).isEqualTo(9); // divmod(100, 12) = (8, 4): 9
        assertThat(PoolCalls.defaultChunksize(5, 4)).isEqualTo(1);
        assertThat(PoolCalls.defaultChunksize(0, 4)).isZero();
    }

    @Test
    void batchesAreOneUnitUntilMeasuredThenAimAtTheTargetTimeAndAnEvenShare() {
        BatchSizer sizer = new BatchSizer();
        assertThat(sizer.unitsPerBatch(10_000, 2)).isEqualTo(1);
        sizer.record(1_000); // 1 µs a unit: 2,000 would fill 2 ms
        assertThat(sizer.unitsPerBatch(10_000, 2)).isEqualTo(BatchSizer.MAX_UNITS);
        assertThat(sizer.unitsPerBatch(10, 2)).isEqualTo(5);
        BatchSizer slow = new BatchSizer();
        slow.record(1_000_000_000L);
        assertThat(slow.unitsPerBatch(10_000, 2)).isEqualTo(1);
        BatchSizer medium = new BatchSizer();
        medium.record(BatchSizer.TARGET_BATCH_NANOS / 4);
        assertThat(medium.unitsPerBatch(10_000, 2)).isEqualTo(4);
    }

    @Test
    void integersAndLongsGoPackedAndComeBackEqual() throws Exception {
        List<Integer> manyInts = IntStream.range(-50, 50).map(i -> i * 40_000_000).boxed().toList();
        List<Long> manyLongs = LongStream.range(0, 3 * FrameBuffer.BULK_FROM).map(i -> i << 35).boxed().toList();
        for (List<?> values : List.of(List.of(1, -2, Integer.MAX_VALUE), List.of(1L << 40, -1L),
                Arrays.asList("a", null, 3), List.of(1, 2L), manyInts, manyLongs)) {
            FrameBuffer out = new FrameBuffer();
            Values.write(out, values, "item", 0);
            assertThat(elements(Values.read(ByteBuffer.wrap(out.toArray())))).containsExactlyElementsOf(values);
        }
        FrameBuffer ints = new FrameBuffer();
        Values.write(ints, List.of(1, 2, 3), "item", 0);
        assertThat(ints.toArray()).hasSize(1 + Integer.BYTES + 3 * Integer.BYTES);
    }

    @Test
    void outcomesKeepTheirFailuresAndAResultThatCannotBeSerializedFailsAlone() throws Exception {
        UnitOutcomes outcomes = new UnitOutcomes(3);
        outcomes.succeeded(0, 1);
        outcomes.succeeded(1, new Object());
        outcomes.failed(2, Values.failure(new IllegalStateException("third")));
        Column back = writtenAndReadBack(outcomes);
        assertThat(back.size()).isEqualTo(3);
        assertThat(back.get(0)).isEqualTo(1);
        assertThat(((Job.Failed) back.get(1)).cause()).isInstanceOf(MaybeEncodingException.class);
        assertThat(((Job.Failed) back.get(2)).cause()).isInstanceOf(IllegalStateException.class).hasMessage("third");
    }

    @Test
    void integerResultsGoPackedUntilOneIsNotAnInteger() throws Exception {
        UnitOutcomes numbers = new UnitOutcomes(3);
        for (int i = 0; i < 3; i++) {
            numbers.succeeded(i, i * 10);
        }
        assertThat(numbers.ints()).containsExactly(0, 10, 20);
        assertThat(elements(writtenAndReadBack(numbers))).containsExactly(0, 10, 20);

        UnitOutcomes manyLongs = new UnitOutcomes(2 * FrameBuffer.BULK_FROM);
        for (int i = 0; i < manyLongs.size(); i++) {
            manyLongs.succeeded(i, -(long) i << 33);
        }
        assertThat(elements(writtenAndReadBack(manyLongs)))
                .containsExactlyElementsOf(LongStream.range(0, manyLongs.size()).mapToObj(i -> -i << 33).toList());

        UnitOutcomes mixed = new UnitOutcomes(4);
        mixed.succeeded(0, 1L);
        mixed.succeeded(1, 2L);
        mixed.succeeded(2, 3);
        mixed.succeeded(3, null);
        assertThat(mixed.longs()).isNull();
        assertThat(elements(writtenAndReadBack(mixed))).containsExactly(1L, 2L, 3, null);

        UnitOutcomes failing = new UnitOutcomes(2);
        failing.succeeded(0, 7);
        failing.failed(1, Values.failure(new ArithmeticException("second")));
        Column back = writtenAndReadBack(failing);
        assertThat(back.get(0)).isEqualTo(7);
        assertThat(((Job.Failed) back.get(1)).cause()).isInstanceOf(ArithmeticException.class).hasMessage("second");
    }

    private static Column writtenAndReadBack(UnitOutcomes outcomes) throws Exception {
        FrameBuffer out = new FrameBuffer();
        Values.writeOutcomes(out, outcomes);
        return Values.readOutcomes(ByteBuffer.wrap(out.toArray()));
    }

    private static List<Object> elements(Column column) {
        List<Object> elements = new ArrayList<>();
        for (int i = 0; i < column.size(); i++) {
            elements.add(column.get(i));
        }
        return elements;
    }

    @Test
    void aCountLargerThanWhatFollowsIsReportedAsDamaged() {
        ByteBuffer damaged = ByteBuffer.allocate(9).put(Values.INTS).putInt(1_000_000).flip();
        assertThatThrownBy(() -> Values.read(damaged)).isInstanceOf(StreamCorruptedException.class);
        ByteBuffer bytes = ByteBuffer.allocate(8).putInt(100).flip();
        assertThatThrownBy(() -> Frames.bytes(bytes)).isInstanceOf(StreamCorruptedException.class);
    }

    @Test
    void theResultListReadsAcrossChunksAndCopiesOnItsFirstSet() {
        Column[] chunks = {Column.ofInts(new int[] {0, 1, 4}), Column.of(new Object[] {9, 16, 25}),
                Column.ofLongs(new long[] {36})};
        ResultList<Object> list = new ResultList<>(chunks, 3, 7);
        assertThat(list).containsExactly(0, 1, 4, 9, 16, 25, 36L);
        list.set(6, "six");
        assertThat(list.get(6)).isEqualTo("six");
        assertThat(new ArrayList<>(list)).hasSize(7);
        assertThatThrownBy(() -> list.get(7)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
