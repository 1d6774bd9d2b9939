package org.multiprocessing4j.internal.sys;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * Bytes from the kernel's cryptographically secure random source, read from {@code /dev/urandom}
 * rather than through {@code SecureRandom}, whose first use costs a fresh JVM tens of milliseconds
 * of JCA set-up.
 */
public final class RandomBytes {
    private static final String URANDOM = "/dev/urandom";

    private RandomBytes() {}

    /** {@code n} fresh random bytes. */
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
        return HexFormat.of().formatHex(of(n));
    }
}
