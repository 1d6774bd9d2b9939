package org.multiprocessing4j.internal.channel;

import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104 over FIPS 180-4), written out so that a child JVM can authenticate without
 * initializing the JCA provider framework, which costs more start-up time than the rest of a
 * child's bootstrap together. Tests check it against {@code javax.crypto.Mac}.
 *
 * <p>Not thread-safe; use one instance per computation.
 */
final class HmacSha256 {
    static final int DIGEST_LENGTH = 32;
    private static final int BLOCK_LENGTH = 64;
    private static final byte INNER_PAD = 0x36;
    private static final byte OUTER_PAD = 0x5c;

    private static final int[] ROUND_CONSTANTS = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    private static final int[] INITIAL_STATE = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };

    private HmacSha256() {}

    /** HMAC-SHA256(key, parts[0] || parts[1] || ...). */
    static byte[] mac(byte[] key, byte[]... parts) {
        byte[] block = key.length > BLOCK_LENGTH ? sha256(key) : key;
        byte[] inner = new byte[BLOCK_LENGTH];
        byte[] outer = new byte[BLOCK_LENGTH];
        for (int i = 0; i < BLOCK_LENGTH; i++) {
            byte k = i < block.length ? block[i] : 0;
            inner[i] = (byte) (k ^ INNER_PAD);
            outer[i] = (byte) (k ^ OUTER_PAD);
        }
        byte[][] innerParts = new byte[parts.length + 1][];
        innerParts[0] = inner;
        System.arraycopy(parts, 0, innerParts, 1, parts.length);
        return sha256(outer, sha256(innerParts));
    }

    /** SHA-256 of the concatenation of {@code parts}. */
    static byte[] sha256(byte[]... parts) {
        long length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        // Message, a 0x80 byte, zeros, then the bit length in 8 bytes, to a multiple of 64 bytes.
        int padded = (int) ((length + 1 + Long.BYTES + BLOCK_LENGTH - 1) / BLOCK_LENGTH * BLOCK_LENGTH);
        byte[] message = new byte[padded];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, message, at, part.length);
            at += part.length;
        }
        message[at] = (byte) 0x80;
        long bits = length * Byte.SIZE;
        for (int i = 0; i < Long.BYTES; i++) {
            message[padded - 1 - i] = (byte) (bits >>> (Byte.SIZE * i));
        }
        int[] state = INITIAL_STATE.clone();
        int[] w = new int[ROUND_CONSTANTS.length];
        for (int block = 0; block < padded; block += BLOCK_LENGTH) {
            compress(state, w, message, block);
        }
        byte[] digest = new byte[DIGEST_LENGTH];
        for (int i = 0; i < state.length; i++) {
            for (int j = 0; j < Integer.BYTES; j++) {
                digest[i * Integer.BYTES + j] = (byte) (state[i] >>> (Byte.SIZE * (Integer.BYTES - 1 - j)));
            }
        }
        Arrays.fill(message, (byte) 0);
        return digest;
    }

    private static void compress(int[] state, int[] w, byte[] message, int offset) {
        for (int t = 0; t < 16; t++) {
            int i = offset + t * Integer.BYTES;
            w[t] = (message[i] & 0xff) << 24 | (message[i + 1] & 0xff) << 16
                    | (message[i + 2] & 0xff) << 8 | (message[i + 3] & 0xff);
        }
        for (int t = 16; t < w.length; t++) {
            int s0 = Integer.rotateRight(w[t - 15], 7) ^ Integer.rotateRight(w[t - 15], 18) ^ (w[t - 15] >>> 3);
            int s1 = Integer.rotateRight(w[t - 2], 17) ^ Integer.rotateRight(w[t - 2], 19) ^ (w[t - 2] >>> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        int a = state[0], b = state[1], c = state[2], d = state[3];
        int e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < w.length; t++) {
            int s1 = Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25);
            int choice = (e & f) ^ (~e & g);
            int t1 = h + s1 + choice + ROUND_CONSTANTS[t] + w[t];
            int s0 = Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22);
            int majority = (a & b) ^ (a & c) ^ (b & c);
            int t2 = s0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}
