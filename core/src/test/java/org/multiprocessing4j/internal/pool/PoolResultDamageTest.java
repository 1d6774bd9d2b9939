package org.multiprocessing4j.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.wire.LambdaCodec;

/** A result frame that a worker cut short stops the pool and fails what was in flight: nothing waits for ever. */
@Timeout(60)
class PoolResultDamageTest {
    /** What a broken worker runs instead of the worker loop: a RESULTS frame whose only unit stops after its id. */
    private static void sendResultsCutShort(byte[] pool) throws Exception {
        byte[] frame = ByteBuffer.allocate(1 + Integer.BYTES + Long.BYTES + 3)
                .put(Frames.RESULTS).putInt(1).putLong(1).array();
        PoolSegment.read(pool).results().put(frame, Deadline.never());
        Thread.sleep(60_000); // the pool kills it when it stops
    }

    @Test
    void aResultFrameCutShortStopsThePoolInsteadOfLeavingItsTaskWaiting() {
        PoolEngine.WorkerFactory brokenWorkers = task -> {
            byte[] pool = (byte[]) LambdaCodec.capturedValues(task).getFirst();
            Process worker = new Process((SerializableRunnable) () -> sendResultsCutShort(pool));
            worker.setDaemon(true);
            return worker;
        };
        PoolEngine engine = new PoolEngine(new PoolEngine.Settings(1, null, 0, null, brokenWorkers));
        try {
            CompletableFuture<Object> task = new PoolCalls(engine, this)
                    .call((SerializableCallable<Integer>) () -> 1, result -> result);
            Throwable thrown = catchThrowable(task::get);
            assertThat(thrown).isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause()).isInstanceOf(StreamCorruptedException.class)
                    .hasMessageContaining("cut short");
            SerializableCallable<Integer> another = () -> 2;
            assertThatThrownBy(() -> new PoolCalls(engine, this).call(another, result -> result))
                    .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("result ring is damaged");
        } finally {
            engine.terminate();
        }
    }
}
