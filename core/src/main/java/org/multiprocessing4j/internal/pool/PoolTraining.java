package org.multiprocessing4j.internal.pool;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableFunction;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.MessageRing;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * A pool's hot paths within one process, for the run that trains the AOT cache: a worker loop on a
 * thread of its own, fed batches of tasks and of map chunks as a pool feeds it, its results read as
 * the pool reads them. So a pool's workers start with these classes linked and their methods
 * profiled, as the cache's children do for locks, queues and pipes.
 */
public final class PoolTraining {
    private static final int ITEMS = 100;

    private PoolTraining() {}

    public static void exercise(int rounds) throws Exception {
        PoolSegment shared = PoolSegment.create(1);
        SharedSegment taskSegment = SharedSegment.create(SharedLayout.Header.KIND_QUEUE,
                SharedLayout.Ring.size(PoolEngine.TASK_RING_CAPACITY));
        MessageRing tasks = new MessageRing(taskSegment, SharedLayout.Header.SIZE);
        tasks.initialize(PoolEngine.TASK_RING_CAPACITY, 0, false);
        byte[] sharedDescription = shared.describe();
        byte[] taskDescription = PoolSegment.describe(tasks);
        Thread worker = new Thread(() -> {
            try {
                WorkerLoop.run(sharedDescription, 0, taskDescription, 1, null, 0, false);
            } catch (Exception e) {
                throw new IllegalStateException("the training worker failed", e);
            }
        }, "mp4j-pool-training-worker");
        worker.start();
        TaskFunction map = TaskFunction.of((SerializableFunction<Integer, Integer>) x -> x + 1, "training");
        List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
        for (int i = 0; i < rounds; i++) {
            int x = i;
            TaskFunction call = TaskFunction.of((SerializableCallable<Integer>) () -> x * x, "training");
            List<Frames.Payload> payloads = List.of(Frames.payload(Frames.CALL, call, List.of(), "", 0),
                    Frames.payload(Frames.EACH, map, items, "item", 0));
            boolean[] withHeaders = {i == 0, i == 0}; // as a pool sends a header once to each worker
            tasks.put(Frames.batch(new long[] {2L * i + 1, 2L * i + 2}, payloads, withHeaders,
                    payloads.get(0).unitSize(i == 0) + payloads.get(1).unitSize(i == 0)), Deadline.never());
            for (int units = 0; units < payloads.size(); ) {
                ByteBuffer in = ByteBuffer.wrap(shared.results().take(Deadline.never()));
                in.get(); // RESULTS
                for (int n = Frames.count(in); n > 0; n--, units++) {
                    in.getLong(); // unit id
                    in.getLong(); // nanoseconds
                    Values.readOutcomes(in);
                }
            }
        }
        tasks.close(MessageRing.End.SENDING);
        worker.join();
        taskSegment.retire();
        shared.retire();
    }
}
