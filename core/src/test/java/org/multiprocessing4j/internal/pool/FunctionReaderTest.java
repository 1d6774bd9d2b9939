package org.multiprocessing4j.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableFunction;

/** A pool's functions on the wire: a lambda class's header once per worker, then its number only. */
@Timeout(10)
class FunctionReaderTest {
    private static SerializableCallable<Integer> times(int x) {
        return () -> x * 10;
    }

    private static ByteBuffer section(TaskFunction function, boolean withHeader) {
        ByteBuffer out = ByteBuffer.allocate(function.size(withHeader));
        function.write(out, withHeader);
        assertThat(out.hasRemaining()).as("size() is what write() writes").isFalse();
        return out.flip();
    }

    @Test
    void aHeaderSentOnceServesTheLaterLambdasOfItsClassEachWithItsOwnCaptures() throws Exception {
        FunctionReader reader = new FunctionReader();
        TaskFunction first = TaskFunction.of(times(1), "a task");
        TaskFunction second = TaskFunction.of(times(2), "a task");
        assertThat(second.headerId()).isEqualTo(first.headerId()).isNotZero();
        assertThat(second.size(false)).isLessThan(second.size(true) - 100);
        assertThat(((SerializableCallable<?>) reader.read(section(first, true), false)).call()).isEqualTo(10);
        assertThat(((SerializableCallable<?>) reader.read(section(second, false), false)).call()).isEqualTo(20);
    }

    @Test
    void aLambdaWhoseHeaderTheWorkerWasNeverSentIsReportedNamingItsNumber() {
        TaskFunction function = TaskFunction.of(times(1), "a task");
        assertThatThrownBy(() -> new FunctionReader().read(section(function, false), false))
                .isInstanceOf(StreamCorruptedException.class)
                .hasMessageContaining("header " + function.headerId()).hasMessageContaining("never sent");
    }

    @Test
    void aFunctionWithoutACompactFormGoesWholeAndAStandaloneSectionNeedsNothingSentBefore() throws Exception {
        List<Integer> captured = new java.util.ArrayList<>(List.of(1, 2, 3)); // no compact form
        SerializableCallable<Integer> sizeOf = captured::size;
        TaskFunction whole = TaskFunction.of(sizeOf, "a task");
        assertThat(whole.headerId()).isZero();
        assertThat(((SerializableCallable<?>) new FunctionReader().read(section(whole, false), false)).call())
                .isEqualTo(3);
        byte[] standalone = TaskFunction.of(times(4), "an initializer").standalone();
        assertThat(((SerializableCallable<?>) new FunctionReader().read(ByteBuffer.wrap(standalone), false)).call())
                .isEqualTo(40);
    }

    @Test
    void aMapsFunctionIsMadeOnceABatch() throws Exception {
        FunctionReader reader = new FunctionReader();
        int one = 1; // captured, so that each lambda made is a new object
        TaskFunction plusOne = TaskFunction.of((SerializableFunction<Integer, Integer>) x -> x + one, "a map");
        Object chunkOne = reader.read(section(plusOne, true), true);
        Object chunkTwo = reader.read(section(plusOne, false), true);
        reader.forgetBatch();
        Object nextBatch = reader.read(section(plusOne, false), true);
        assertThat(chunkTwo).as("made once, whether its header came with it or not").isSameAs(chunkOne);
        assertThat(nextBatch).isNotSameAs(chunkOne);
    }
}
