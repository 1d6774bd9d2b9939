package org.multiprocessing4j.examples;

import java.util.List;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.multiprocessing4j.Pool;

/**
 * A long {@code Pool.map} with a progress bar on the terminal: the pool tells how many items are
 * done, at most ten times a second, and a progress-bar library draws it.
 *
 * <pre>
 * with Pool() as pool:
 *     results = list(tqdm(pool.imap(slow_square, range(n)), total=n))
 * print('sum of squares:', sum(results))
 * </pre>
 *
 * The first argument is how many items (default 400), the second how long each takes in
 * milliseconds (default 10). Each worker takes one item at a time, so that the bar moves smoothly.
 * The bar is drawn on standard error; the sum is printed on standard output.
 */
public final class PoolMapWithProgress {
    private PoolMapWithProgress() {}

    static int slowSquare(int x, long millis) throws InterruptedException {
        Thread.sleep(millis);
        return x * x;
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        long millis = args.length > 1 ? Long.parseLong(args[1]) : 10;
        List<Integer> numbers = IntStream.range(0, items).boxed().toList();
        List<Integer> squares;
        try (Pool pool = new Pool();
                ProgressBar bar = new ProgressBarBuilder().setTaskName("squares").setInitialMax(items)
                        .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build()) {
            squares = pool.map(x -> slowSquare(x, millis), numbers, 1, (done, total) -> bar.stepTo(done));
        }
        System.out.println("sum of squares: " + squares.stream().mapToLong(Integer::longValue).sum());
    }
}
