package org.multiprocessing4j.cluster.internal;

import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under a cluster's secret: of every task's bytes, which a node checks before it
 * deserializes anything of them, and of the cluster's name, which members and clients present when
 * they join (Hazelcast's open-source edition has no authentication of its own).
 */
public final class Signature implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String ALGORITHM = "HmacSHA256";
    /** Hex digits of the name's MAC that the joined name keeps: 64 bits. */
    private static final int NAME_TAG_DIGITS = 16;

    /** The cluster's secret, the key of every MAC. */
    private final byte[] secret;
    /** A Mac per thread, keyed once: {@code Mac.getInstance} looks the provider up each time, and a Mac is not thread-safe. */
    private transient ThreadLocal<Mac> macs;

    /**
     * Signs with {@code secret}.
     *
     * @param secret the cluster's secret; copied
     */
    public Signature(byte[] secret) {
        this.secret = secret.clone();
    }

    /**
     * The name members and clients of cluster {@code clusterName} join under: only holders of the
     * secret can compute it.
     *
     * @param clusterName the name the user gave
     * @return that name, a dash, and 64 bits of its MAC
     */
    public String joinName(String clusterName) {
        byte[] tag = mac(("multiprocessing4j cluster " + clusterName).getBytes(StandardCharsets.UTF_8));
        return clusterName + "-" + HexFormat.of().formatHex(tag).substring(0, NAME_TAG_DIGITS);
    }

    /**
     * The MAC of {@code bytes}.
     *
     * @param bytes what to sign
     * @return its 32-byte MAC
     */
    public byte[] mac(byte[] bytes) {
        ThreadLocal<Mac> local = macs;
        if (local == null) {
            local = ThreadLocal.withInitial(this::newMac);
            macs = local; // a race makes two, each correct
        }
        return local.get().doFinal(bytes);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no " + ALGORITHM, e);
        }
    }

    /**
     * Whether {@code mac} is the MAC of {@code bytes}, compared in constant time.
     *
     * @param bytes what was signed
     * @param mac the MAC that came with it
     * @return true if it matches
     */
    public boolean verify(byte[] bytes, byte[] mac) {
        return mac != null && MessageDigest.isEqual(mac(bytes), mac);
    }
}
