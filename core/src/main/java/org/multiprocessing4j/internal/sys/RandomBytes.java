package org.multiprocessing4j.internal.sys;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * Bytes from the kernel's cryptographically secure random source, read from {@code /dev/urandom}
 * rather than through {@code SecureRandom}, whose first use costs a fresh JVM tens of milliseconds
 * of JCA set-up.
 *
 * <p>Names (of segments, blocks, spill files) take their bytes from a pool read {@link #POOL_SIZE}
 * at a time, since opening the device twice per shared-memory block cost a quarter of making one;
 * bytes leave the pool once and are zeroed there. Keys and challenges read the device itself.
 */
public final class RandomBytes {
    private static final String URANDOM = "/dev/urandom";
    private static final int POOL_SIZE = 4096;
    private static final byte[] POOL = new byte[POOL_SIZE];
    /** How many bytes of {@link #POOL} were handed out; all of them at first, so the first call fills it. */
    private static int taken = POOL_SIZE;

    private RandomBytes() {}

    /** {@code n} fresh random bytes, for names: from the pool. */
    private static synchronized byte[] pooled(int n) {
        if (n > POOL_SIZE) {
            return of(n);
        }
        if (taken + n > POOL_SIZE) {
            System.arraycopy(of(POOL_SIZE), 0, POOL, 0, POOL_SIZE);
            taken = 0;
        }
        byte[] bytes = java.util.Arrays.copyOfRange(POOL, taken, taken + n);
        java.util.Arrays.fill(POOL, taken, taken + n, (byte) 0);
        taken += n;
        return bytes;
    }

    /** {@code n} fresh random bytes, read from the device. */
    public static byte[] of(int n) {
        try (FileInputStream in = new FileInputStream(URANDOM)) {
            byte[] bytes = in.readNBytes(n);
            if (bytes.length != n) {
                throw new IOException("short read from " + URANDOM);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + URANDOM, e);
        }
    }

    /** {@code n} fresh random bytes as {@code 2n} lower-case hex digits, for names. */
    public static String hex(int n) {
        return HexFormat.of().formatHex(pooled(n));
    }
}
