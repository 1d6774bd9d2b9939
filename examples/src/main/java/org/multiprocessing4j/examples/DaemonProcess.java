package org.multiprocessing4j.examples;

import org.multiprocessing4j.Process;

/**
 * The tutorial's third program: a daemon process ends when the main program ends, while a
 * non-daemon one runs on and the program waits for it.
 *
 * <pre>
 * def f1(n):                       def f2(n):
 *     while True:                      for i in range(3):
 *         print('hello', n)                print('hello', n)
 *         time.sleep(2)                    time.sleep(2)
 *
 * if __name__ == '__main__':
 *     a = Process(target=f1, args=('A',)); a.daemon = True; a.start()
 *     b = Process(target=f2, args=('B',)); b.start()
 *     time.sleep(1)
 *     print('End')
 * </pre>
 *
 * Output: {@code hello A}, {@code hello B}, {@code End}, {@code hello B}, {@code hello B}. A is
 * terminated as soon as main returns; B prints twice more before the program exits. The pause
 * before {@code End} is the time each child needs to print its first line, plus a margin.
 */
public class DaemonProcess {
    static final long PERIOD_MILLIS = 2000;

    static void forever(String n) throws InterruptedException {
        while (true) {
            System.out.println("hello " + n);
            Thread.sleep(PERIOD_MILLIS);
        }
    }

    static void threeTimes(String n) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.out.println("hello " + n);
            Thread.sleep(PERIOD_MILLIS);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Process a = new Process(() -> forever("A"));
        a.setDaemon(true);
        a.start();
        Process b = new Process(() -> threeTimes("B"));
        b.start();
        Thread.sleep(PERIOD_MILLIS / 2);
        System.out.println("End");
    }
}
