package org.multiprocessing4j.internal.channel;

import java.util.Arrays;
import org.multiprocessing4j.internal.sys.RandomBytes;

/**
 * The secret that lets processes of one tree talk to each other, as Python's
 * {@code current_process().authkey}: 32 random bytes made by the main process, inherited by every
 * child (through its standard input, never its command line, which other users can read).
 */
public final class AuthKey {
    /** Length of a key, in bytes. */
    public static final int LENGTH = 32;

    private static volatile byte[] current;

    private AuthKey() {}

    /** This process's key: inherited, or made on first use in the main process. */
    public static byte[] current() {
        byte[] key = current;
        if (key == null) {
            synchronized (AuthKey.class) {
                if (current == null) {
                    current = randomBytes(LENGTH);
                }
                key = current;
            }
        }
        return key.clone();
    }

    /** Installs the key inherited from the parent; called once, early, in a child. */
    public static void inherit(byte[] key) {
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("an authkey has " + LENGTH + " bytes, not " + key.length);
        }
        current = key.clone();
    }

    /** Fresh bytes from the kernel's cryptographically secure random source ({@link RandomBytes}). */
    public static byte[] randomBytes(int n) {
        return RandomBytes.of(n);
    }

    /** Overwrites a copy of a key that is no longer needed. */
    public static void wipe(byte[] key) {
        Arrays.fill(key, (byte) 0);
    }
}
