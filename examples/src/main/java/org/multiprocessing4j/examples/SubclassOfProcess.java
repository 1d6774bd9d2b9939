package org.multiprocessing4j.examples;

import org.multiprocessing4j.Process;

/**
 * The tutorial's second program: a subclass of Process overrides run().
 *
 * <pre>
 * class F(Process):
 *     def __init__(self, n):
 *         super().__init__()
 *         self.n = n
 *     def run(self):
 *         while True:
 *             print('hello', self.n)
 *             time.sleep(1)
 *
 * if __name__ == '__main__':
 *     for n in ['A', 'B', 'C']:
 *         F(n).start()
 * </pre>
 *
 * The tutorial prints forever; the first argument, if given, is how many times each process prints.
 */
public class SubclassOfProcess {
    static class F extends Process {
        private final String n;
        private final long times;

        F(String n, long times) {
            this.n = n;
            this.times = times;
        }

        @Override
        public void run() {
            for (long i = 0; i < times; i++) {
                System.out.println("hello " + n);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    public static void main(String[] args) {
        long times = args.length > 0 ? Long.parseLong(args[0]) : Long.MAX_VALUE;
        for (String n : new String[] {"A", "B", "C"}) {
            new F(n, times).start();
        }
    }
}
