package org.multiprocessing4j.examples;

import org.multiprocessing4j.Process;

/**
 * The tutorial's first program: two processes run the same function with different arguments.
 *
 * <pre>
 * def f(n):
 *     while True:
 *         print('hello', n)
 *         time.sleep(1)
 *
 * if __name__ == '__main__':
 *     for n in ['A', 'B']:
 *         Process(target=f, args=(n,)).start()
 * </pre>
 *
 * The tutorial prints forever; the first argument, if given, is how many times each process prints.
 */
public class ProcessWithTarget {
    static void f(String n, long times) throws InterruptedException {
        for (long i = 0; i < times; i++) {
            System.out.println("hello " + n);
            Thread.sleep(1000);
        }
    }

    public static void main(String[] args) {
        long times = args.length > 0 ? Long.parseLong(args[0]) : Long.MAX_VALUE;
        for (String n : new String[] {"A", "B"}) {
            new Process(() -> f(n, times)).start();
        }
    }
}
