package org.multiprocessing4j.examples;

import org.multiprocessing4j.Held;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.Process;

/**
 * The tutorial's fourth program: two processes print through one shared Lock, so that their lines
 * never interleave.
 *
 * <pre>
 * def f(lock, n):
 *     while True:
 *         with lock:
 *             print('hello', n)
 *         time.sleep(1)
 *
 * if __name__ == '__main__':
 *     lock = Lock()
 *     for n in ['A', 'B']:
 *         Process(target=f, args=(lock, n)).start()
 * </pre>
 *
 * Each line is printed in three writes ({@code "hello"}, the name, the end of the line), as
 * Python's {@code print} may: only the lock keeps the lines whole. The first argument is how many
 * lines each process prints (the tutorial: forever), the second the pause between them in
 * milliseconds (the tutorial: 1000).
 */
public class LockedPrinting {
    @SuppressWarnings("try") // the held lock is the point of the try, not a variable to use
    static void f(Lock lock, String n, long times, long pauseMillis) throws InterruptedException {
        for (long i = 0; i < times; i++) {
            try (Held held = lock.hold()) {
                System.out.print("hello");
                System.out.print(" " + n);
                System.out.println();
            }
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
    }

    public static void main(String[] args) {
        long times = args.length > 0 ? Long.parseLong(args[0]) : Long.MAX_VALUE;
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        Lock lock = new Lock();
        for (String n : new String[] {"A", "B"}) {
            new Process(() -> f(lock, n, times, pause)).start();
        }
    }
}
